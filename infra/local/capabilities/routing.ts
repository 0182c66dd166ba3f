/**
 * Routing in the local runtime: a recording Connect (LocalTelephony) behind the telephony port, and a call
 * simulator that walks the generated contact flow block by block, invoking the real route-call handler,
 * then hands the resulting contact record to the money capability's local stream when it offers one.
 * The flow's arm-call-limit blocks run the real arm-call-limit handler against a recording call-limits port.
 *   GET  /local/connect  what "Connect" was asked: claims, flow bindings, hours, queues, routing profiles,
 *                        and `callLimits` (the stop armed per contact)
 *   POST /local/calls    { to, caller, at?, keys?, unanswered?, queueFull?, talkSeconds? }
 *   GET  /local/routing/apply-queue  the routing apply queue: messages sent (with their delays), dead letters
 * Routing applies go through an in-process queue to the routing apply worker's own handler, so an apply on
 * `npm start` has reached Connect by the time its 202 answers.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import {
  type InProcessWorkQueue,
  inProcessWorkQueue,
  type QueueWorkerHandler,
} from '../../../shared/adapters/local/in-process-work-queue.js';
import { type LocalCallLimit, LocalCallLimits } from '../../../shared/adapters/local/local-call-limits.js';
import { LocalTelephony } from '../../../shared/adapters/local/local-telephony.js';
import { buildContactFlow } from '../../../shared/connect/contact-flow.js';
import { simulatedContactRecord } from '../../../shared/connect/contact-record.js';
import { type WalkResult, walkFlow } from '../../../shared/connect/flow-walker.js';
import { normaliseCaller } from '../../../shared/domain/routing/caller.js';
import { usePorts } from '../../../shared/runtime/ports.js';
import { routingStores } from '../../../shared/runtime/routing.js';
import { useWorkQueue } from '../../../shared/runtime/work-queues.js';
import { ROUTING_FUNCTIONS } from '../../catalogue/routing.js';
import type { ControlResult, LocalCapability, LocalRuntimeContext } from '../capability.js';

export const ROUTE_CALL_ENTRY = 'functions/connect/route-call.ts';
export const ARM_CALL_LIMIT_ENTRY = 'functions/connect/arm-call-limit.ts';
const INSTANCE_ARN = 'arn:aws:connect:local:000000000000:instance/00000000-0000-4000-8000-000000000000';
const LOCAL_ROUTE_CALL_ARN = 'arn:aws:lambda:local:000000000000:function:routeCall';
const LOCAL_ARM_CALL_LIMIT_ARN = 'arn:aws:lambda:local:000000000000:function:armCallLimit';

let telephony = new LocalTelephony();
let callLimits = new LocalCallLimits();
let applyQueue: InProcessWorkQueue<unknown> | undefined;

export function localTelephony(): LocalTelephony {
  return telephony;
}

export function localCallLimits(): LocalCallLimits {
  return callLimits;
}

export interface SimulatedCallRequest {
  /** The dialled number: a 400 number (its access number is looked up) or an access number (+…). */
  readonly to: string;
  readonly caller: string;
  readonly at?: string;
  readonly keys?: readonly string[];
  readonly unanswered?: readonly string[];
  readonly queueFull?: boolean;
  readonly talkSeconds?: number;
}

export interface SimulatedCallResult {
  readonly contactId: string;
  readonly accessNumber: string;
  readonly outcome: WalkResult['outcome'];
  readonly steps: WalkResult['steps'];
  readonly attempts: WalkResult['attempts'];
  readonly contactRecord: Record<string, unknown>;
  readonly ingested: unknown;
  /** The stop armed for this call (transferred and queued calls with a limit). */
  readonly callLimit?: LocalCallLimit;
}

const bad = (code: string, message: string, field: string): ControlResult => ({
  status: 400,
  body: { error: { code, message, field } },
});

function parseRequest(body: unknown): SimulatedCallRequest | ControlResult {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.to !== 'string' || !/^(\+\d{6,15}|400\d{7})$/.test(b.to))
    return bad('invalid_to', 'to: a 400 number or an access number (+…)', 'to');
  if (typeof b.caller !== 'string' || !/^\+?\d{5,16}$/.test(b.caller.replace(/[\s-]/g, '')))
    return bad('invalid_caller', 'caller: a phone number', 'caller');
  if (b.at !== undefined && (typeof b.at !== 'string' || Number.isNaN(Date.parse(b.at))))
    return bad('invalid_instant', 'at: an ISO-8601 instant', 'at');
  if (
    b.keys !== undefined &&
    !(Array.isArray(b.keys) && b.keys.every((k) => typeof k === 'string' && /^[0-9*#]$/.test(k)))
  ) {
    return bad('invalid_keys', 'keys: single keys 0-9, * or #', 'keys');
  }
  if (
    b.unanswered !== undefined &&
    !(Array.isArray(b.unanswered) && b.unanswered.every((n) => typeof n === 'string'))
  ) {
    return bad('invalid_unanswered', 'unanswered: phone numbers', 'unanswered');
  }
  const talk = b.talkSeconds;
  if (
    talk !== undefined &&
    !(typeof talk === 'number' && Number.isInteger(talk) && talk >= 0 && talk <= 14_400)
  ) {
    return bad('invalid_talk_seconds', 'talkSeconds: 0-14400', 'talkSeconds');
  }
  return {
    to: b.to,
    caller: b.caller,
    at: b.at as string | undefined,
    keys: b.keys as string[] | undefined,
    unanswered: b.unanswered as string[] | undefined,
    queueFull: b.queueFull === true,
    talkSeconds: talk as number | undefined,
  };
}

/** Money's local stream, when that capability offers one (it may not exist in every checkout). */
async function contactStreamIngest(): Promise<((records: unknown[]) => Promise<unknown>) | undefined> {
  try {
    const money = (await import('./money.js')) as { ingestContactRecords?: unknown };
    return typeof money.ingestContactRecords === 'function'
      ? (money.ingestContactRecords as (r: unknown[]) => Promise<unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function simulateCall(
  request: SimulatedCallRequest,
  runtime: LocalRuntimeContext,
): Promise<SimulatedCallResult> {
  let accessNumber = request.to;
  if (/^400\d{7}$/.test(request.to))
    accessNumber = (await routingStores.routing.numberFacts(request.to))?.accessNumber ?? '';
  const caller = normaliseCaller(request.caller);
  const at = request.at ? new Date(request.at) : runtime.clock.now();
  const contactId = randomUUID();
  const [routeCall, armCallLimit] = await Promise.all([
    runtime.loadHandler<ConnectContactFlowEvent, Record<string, string>>(ROUTE_CALL_ENTRY),
    runtime.loadHandler<ConnectContactFlowEvent, Record<string, string>>(ARM_CALL_LIMIT_ENTRY),
  ]);
  const flow = buildContactFlow({
    routeCallFunctionArn: LOCAL_ROUTE_CALL_ARN,
    armCallLimitFunctionArn: LOCAL_ARM_CALL_LIMIT_ARN,
  });
  const unanswered = new Set((request.unanswered ?? []).map(normaliseCaller));
  // What Connect sends every Lambda the flow invokes: the contact, and the block's parameters.
  const contactEvent = (params: Record<string, string>) =>
    ({
      Name: 'ContactFlowEvent',
      Details: {
        ContactData: {
          Attributes: {},
          Channel: 'VOICE',
          ContactId: contactId,
          CustomerEndpoint: { Address: caller, Type: 'TELEPHONE_NUMBER' },
          InitialContactId: contactId,
          InitiationMethod: 'INBOUND',
          InstanceARN: INSTANCE_ARN,
          PreviousContactId: contactId,
          Queue: null,
          SystemEndpoint: { Address: accessNumber, Type: 'TELEPHONE_NUMBER' },
          MediaStreams: { Customer: { Audio: null } },
        },
        Parameters: { ...params, simulatedAt: at.toISOString() },
      },
    }) as unknown as ConnectContactFlowEvent;
  const walk = await walkFlow(flow, {
    keys: request.keys,
    answers: (d) => !unanswered.has(d),
    queueAccepts: !request.queueFull,
    invoke: (params) => routeCall(contactEvent(params), runtime.lambdaContext('routeCall')),
    lambdas: {
      [LOCAL_ARM_CALL_LIMIT_ARN]: (params) =>
        armCallLimit(contactEvent(params), runtime.lambdaContext('armCallLimit')),
    },
  });
  const contactRecord = simulatedContactRecord(
    {
      contactId,
      instanceArn: INSTANCE_ARN,
      accountId: '000000000000',
      caller,
      accessNumber,
      startedAt: at,
      talkSeconds: request.talkSeconds ?? 60,
    },
    walk,
  );
  const ingest = await contactStreamIngest();
  const ingested = ingest ? await ingest([contactRecord]) : null;
  return {
    contactId,
    accessNumber,
    outcome: walk.outcome,
    steps: walk.steps,
    attempts: walk.attempts,
    contactRecord,
    ingested,
    ...(callLimits.find(contactId) ? { callLimit: callLimits.find(contactId) } : {}),
  };
}

export const capability: LocalCapability = {
  name: 'routing',
  async setup(runtime) {
    telephony = new LocalTelephony();
    callLimits = new LocalCallLimits();
    usePorts({ telephony, callLimits });
    const worker = ROUTING_FUNCTIONS.find((f) => f.id === 'routingApplyWorker');
    if (!worker) throw new Error('the routing apply worker is missing from the catalogue');
    applyQueue = inProcessWorkQueue(
      'routing-apply',
      () => runtime.loadHandler(worker.entry) as Promise<QueueWorkerHandler>,
      runtime.lambdaContext(worker.id),
    );
    useWorkQueue('routingApply', applyQueue);
    // Locally a config applied a moment ago must reach the next simulated call: no warm-Lambda cache.
    process.env.ROUTE_CALL_SNAPSHOT_TTL_MS ??= '0';
    process.env.ROUTE_CALL_ACCOUNT_TTL_MS ??= '0';
  },
  routes: [
    {
      method: 'GET',
      path: '/local/connect',
      handle: async () => ({ status: 200, body: { ...telephony.state, callLimits: callLimits.armed } }),
    },
    {
      method: 'GET',
      path: '/local/routing/apply-queue',
      handle: async () => ({
        status: 200,
        body: {
          stats: applyQueue?.stats ?? null,
          sent: applyQueue?.sent ?? [],
          deadLetters: applyQueue?.deadLetters ?? [],
        },
      }),
    },
    {
      method: 'POST',
      path: '/local/calls',
      handle: async ({ body }, runtime) => {
        const request = parseRequest(body);
        if ('status' in request) return request;
        return { status: 200, body: await simulateCall(request, runtime) };
      },
    },
  ],
};
