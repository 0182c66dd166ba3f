/**
 * The routing use cases behind the HTTP handlers: read, store a new version, test a call.
 * Ownership: the number item (numbers NUM#<n>/NUMBER) must carry the caller's tenantId, else 404 —
 * a tenant never learns whether someone else's number exists.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { buildContactFlow } from '../../connect/contact-flow.js';
import { type WalkResult, walkFlow } from '../../connect/flow-walker.js';
import { conflict, notFound } from '../../domain/errors.js';
import {
  type ArmCallLimitAnswer,
  armCallLimitAnswer,
  callStopInstant,
} from '../../domain/routing/call-limit.js';
import { normaliseCaller } from '../../domain/routing/caller.js';
import {
  compileRouting,
  normaliseConfig,
  type RoutingConfigInput,
  validateConfig,
} from '../../domain/routing/config.js';
import { type CallStep, CONSERVATIVE_RATE_PER_MINUTE, decideCall } from '../../domain/routing/decision.js';
import type { AccountStatus, RoutingSnapshot } from '../../domain/routing/types.js';
import { worstRatePerMinute } from '../../domain/routing/worst-rate.js';
import { callerRegionLookup } from '../connect/caller-region.js';
import { dynamo } from './client.js';
import { loadPublicCalendar } from './holiday-calendar-store.js';
import {
  getApplied,
  getConfig,
  getNumberFacts,
  getSnapshot,
  type NumberFacts,
  putConfig,
  type StoredConfig,
} from './routing-store.js';

export async function ownedNumber(number: string, tenantId: string): Promise<NumberFacts> {
  const facts = await getNumberFacts(number);
  if (!facts || facts.tenantId !== tenantId)
    throw notFound('number_not_found', `no number ${number} in your account`);
  return facts;
}

export async function readRouting(number: string, tenantId: string) {
  await ownedNumber(number, tenantId);
  const stored = await getConfig(number);
  if (!stored) throw notFound('routing_not_found', `number ${number} has no routing configuration yet`);
  const applied = await getApplied(number);
  return {
    number,
    version: stored.version,
    updatedAt: stored.updatedAt,
    config: stored.config,
    applied:
      applied.configVersion === undefined
        ? null
        : { configVersion: applied.configVersion, appliedAt: applied.appliedAt },
  };
}

export async function storeRouting(
  number: string,
  tenantId: string,
  input: RoutingConfigInput,
  at: string,
  expectedVersion?: number,
): Promise<StoredConfig> {
  const facts = await ownedNumber(number, tenantId);
  const config = normaliseConfig(input, process.env.HOTLINE_TIME_ZONE || 'Asia/Shanghai');
  validateConfig(config, {
    noMultiLevelTransfer: facts.restrictions?.noMultiLevelTransfer ?? false,
    announcementRequired: facts.restrictions?.recordingAnnouncementRequired ?? false,
  });
  return putConfig(number, tenantId, config, at, expectedVersion);
}

async function readAccount(tenantId: string): Promise<AccountStatus | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('ledger'), Key: { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' } }),
  );
  const item = out.Item;
  if (!item) return undefined;
  return {
    balance: Number(item.balance ?? 0),
    spendDay: item.spendDay,
    spendToday: Number(item.spendToday ?? 0),
    dailyCap: item.dailyCap === undefined || item.dailyCap === null ? undefined : Number(item.dailyCap),
    status: String(item.status ?? 'active'),
  };
}

export interface TestCallInput {
  readonly caller: string;
  readonly at: Date;
  readonly keys?: readonly string[];
  readonly source?: 'draft' | 'applied';
  readonly unanswered?: readonly string[];
  readonly queueFull?: boolean;
}

const TEST_ARM_CALL_LIMIT_ARN = 'arn:aws:lambda:local:000000000000:function:armCallLimit';

/** The flow the test walks: the same generated JSON Connect runs (the Lambda ARNs are irrelevant here). */
const TEST_FLOW = buildContactFlow({
  routeCallFunctionArn: 'arn:aws:lambda:local:000000000000:function:routeCall',
  armCallLimitFunctionArn: TEST_ARM_CALL_LIMIT_ARN,
});

/** A test call arms nothing: its arming step says when the stop would fall, as arm-call-limit would. */
function dryRunCallLimit(params: Record<string, string>, at: Date): ArmCallLimitAnswer {
  const stopAt = callStopInstant(params.maxDurationSeconds, at);
  return stopAt
    ? armCallLimitAnswer(true, 'armed', stopAt.toISOString())
    : armCallLimitAnswer(false, 'no_limit');
}

/**
 * Walks the generic flow with the decision engine in-process, against the draft (latest stored version,
 * queue ARNs from the last apply) or the applied snapshot, with the tenant's real account.
 */
export async function testCall(
  number: string,
  tenantId: string,
  input: TestCallInput,
): Promise<WalkResult & { source: string; configVersion: number }> {
  const facts = await ownedNumber(number, tenantId);
  const source = input.source ?? 'draft';
  let snapshot: RoutingSnapshot;
  let configVersion: number;
  if (source === 'applied') {
    const stored = facts.accessNumber ? await getSnapshot(facts.accessNumber) : undefined;
    if (!stored?.routing)
      throw conflict('not_applied', 'this number has no applied routing yet; apply it or test the draft');
    snapshot = stored as unknown as RoutingSnapshot;
    configVersion = Number(stored.routingVersion ?? 0);
  } else {
    const stored = await getConfig(number);
    if (!stored) throw notFound('routing_not_found', `number ${number} has no routing configuration yet`);
    const applied = await getApplied(number);
    const arn = (key: string) => applied.resources[key]?.arn ?? '';
    const queueArns = Object.fromEntries(
      stored.config.queues.map((q) => [
        q.id,
        { queue: arn(`queue:${q.id}`), vipQueue: arn(`queue:${q.id}:vip`) },
      ]),
    );
    snapshot = {
      number400: number,
      tenantId,
      numberStatus: facts.status,
      routing: compileRouting(stored.config, queueArns, (await loadPublicCalendar()).calendar),
      routingVersion: stored.version,
      worstRatePerMinute: worstRatePerMinute(number, stored.config.recording.enabled),
    };
    configVersion = stored.version;
  }
  const [account, regionOf] = await Promise.all([readAccount(tenantId), callerRegionLookup()]);
  const caller = normaliseCaller(input.caller);
  const unanswered = new Set((input.unanswered ?? []).map(normaliseCaller));
  const contactId = `test-${input.at.getTime()}-${caller}`;
  const result = await walkFlow(TEST_FLOW, {
    keys: input.keys,
    answers: (destination) => !unanswered.has(destination),
    queueAccepts: !input.queueFull,
    lambdas: { [TEST_ARM_CALL_LIMIT_ARN]: async (params) => dryRunCallLimit(params, input.at) },
    invoke: async (params) =>
      decideCall(
        {
          caller,
          contactId,
          step: (params.step || 'start') as CallStep,
          key: params.key,
          state: params.state,
          now: input.at,
        },
        { snapshot, account, regionOf, ratePerMinute: CONSERVATIVE_RATE_PER_MINUTE },
      ),
  });
  return { ...result, source, configVersion };
}
