/**
 * The contact record (CTR) Connect would publish for a simulated call, shaped like the handbook's
 * fixtures (ctr-forwarded-call.json, ctr-agent-answered.json): built from a walk of the generic flow.
 */
import type { WalkResult } from './flow-walker.js';

export interface SimulatedCall {
  readonly contactId: string;
  readonly instanceArn: string;
  readonly accountId: string;
  readonly caller: string;
  readonly accessNumber: string;
  readonly startedAt: Date;
  /** Seconds the connected part lasts (bounded by the decision's maxDurationSeconds). */
  readonly talkSeconds: number;
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export function simulatedContactRecord(call: SimulatedCall, walk: WalkResult): Record<string, unknown> {
  const start = call.startedAt.getTime();
  // About 4 s per flow step before the call connects (prompts, ringing).
  const setupMs = 1000 + walk.steps.length * 4000;
  const connected = walk.outcome.kind === 'transferred' || walk.outcome.kind === 'queued';
  const limit = walk.outcome.maxDurationSeconds ?? call.talkSeconds;
  const talkMs = connected ? Math.min(call.talkSeconds, limit) * 1000 : 0;
  const end = start + setupMs + talkMs;
  const queued = walk.outcome.kind === 'queued';
  const queueName = queued ? ((walk.outcome.queueArn ?? '').split('/').pop() ?? '') : '';
  return {
    AWSAccountId: call.accountId,
    AWSContactTraceRecordFormatVersion: '2017-03-10',
    Agent: queued
      ? {
          ARN: `${call.instanceArn}/agent/local-agent`,
          AfterContactWorkDuration: 0,
          AgentInteractionDuration: Math.round(talkMs / 1000),
          ConnectedToAgentTimestamp: iso(start + setupMs),
          CustomerHoldDuration: 0,
          HierarchyGroups: null,
          LongestHoldDuration: 0,
          NumberOfHolds: 0,
          RoutingProfile: null,
          Username: 'local.agent',
        }
      : null,
    AgentConnectionAttempts: queued ? 1 : 0,
    Attributes: { ...walk.attributes },
    Channel: 'VOICE',
    ConnectedToSystemTimestamp: iso(start + 1000),
    ContactId: call.contactId,
    CustomerEndpoint: { Address: call.caller, Type: 'TELEPHONE_NUMBER' },
    DisconnectReason: connected ? 'CUSTOMER_DISCONNECT' : 'CONTACT_FLOW_DISCONNECT',
    DisconnectTimestamp: iso(end),
    InitialContactId: null,
    InitiationMethod: 'INBOUND',
    InitiationTimestamp: iso(start),
    InstanceARN: call.instanceArn,
    LastUpdateTimestamp: iso(end + 30_000),
    MediaStreams: [{ Type: 'AUDIO' }],
    NextContactId: null,
    PreviousContactId: null,
    Queue: queued
      ? {
          ARN: walk.outcome.queueArn,
          DequeueTimestamp: iso(start + setupMs),
          Duration: 0,
          EnqueueTimestamp: iso(start + setupMs),
          Name: queueName,
        }
      : null,
    Recording:
      walk.outcome.recorded && connected
        ? {
            DeletionReason: null,
            Location: `local-recordings/${call.contactId}.wav`,
            Status: 'AVAILABLE',
            Type: 'AUDIO',
          }
        : null,
    Recordings: null,
    SystemEndpoint: { Address: call.accessNumber, Type: 'TELEPHONE_NUMBER' },
    TransferCompletedTimestamp: walk.outcome.kind === 'transferred' ? iso(start + setupMs) : null,
    TransferredToEndpoint:
      walk.outcome.kind === 'transferred'
        ? { Address: walk.outcome.destination, Type: 'TELEPHONE_NUMBER' }
        : null,
  };
}
