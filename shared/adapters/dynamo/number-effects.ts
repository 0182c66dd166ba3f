/**
 * Durable lifecycle side effects. Whatever a transition must do outside its own items (post the settlement,
 * record the refund, release the access number in Connect, notify the tenant) is written as a pending
 * effect item in the SAME transaction as the state change, carried out right after the commit and marked
 * done. One that fails stays pending on a sparse index and the number-effects job retries it with backoff,
 * so a crash or an outage between the commit and the effect loses nothing.
 *
 *   effect  numbers `EFFECT#<effectId>` / `EFFECT`, while pending on gsi3 `DUE#effects` / `<due>#<effectId>`
 *
 * Every effect is idempotent (ledger keys, Connect release of a released number, notification dedupe keys,
 * the refund request written once), so a retry never charges, refunds or notifies twice. An effect may
 * require others (the refund waits for the settlement, or it would refund money the tenant still owes).
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { chargeKey, monthlyCharges } from '../../domain/billing/charges.js';
import type { LedgerEntryInput, LedgerPort } from '../../domain/ledger/types.js';
import type { NumbersConfig } from '../../domain/numbers/config.js';
import type { LifecycleEffect } from '../../domain/numbers/lifecycle.js';
import { logger } from '../../observability.js';
import type { Notification } from '../../ports/notifications.js';
import { port } from '../../runtime/ports.js';
import { contractFromItem } from './billing-contracts.js';
import { dynamo } from './client.js';
import { ledgerStore } from './ledger-store.js';
import { dueBefore, getContractItem, type NumberItem, type TransactItem } from './number-items.js';

export type EffectPayload =
  | {
      readonly kind: 'settle';
      readonly tenantId: string;
      readonly number: string;
      readonly contractId: string;
    }
  | {
      readonly kind: 'refund_balance';
      readonly tenantId: string;
      readonly number: string;
      readonly refundId: string;
    }
  | { readonly kind: 'release_access_number'; readonly number: string; readonly phoneNumberId: string }
  | { readonly kind: 'notify'; readonly notification: Notification };

export interface PendingEffect {
  readonly effectId: string;
  readonly payload: EffectPayload;
  /** The instant of the transition: ledger entries carry it, however late the effect runs. */
  readonly at: string;
  /** Effects that must be done first. */
  readonly requires?: readonly string[];
}

export interface EffectItem extends PendingEffect {
  readonly pk: string;
  readonly sk: 'EFFECT';
  readonly type: 'number_effect';
  readonly kind: EffectPayload['kind'];
  readonly status: 'pending' | 'done';
  readonly attempts: number;
  readonly lastError?: string;
  readonly doneAt?: string;
  readonly gsi3pk?: string;
  readonly gsi3sk?: string;
}

export interface EffectDeps {
  readonly config: NumbersConfig;
  /** Where settlements and refunds post (default: the ledger store). */
  readonly ledger?: LedgerPort;
}

export const EFFECTS_DUE = 'DUE#effects';
const DONE_KEPT_DAYS = 90;
export const effectKey = (effectId: string) => ({ pk: `EFFECT#${effectId}`, sk: 'EFFECT' as const });

/** The pending effect item, written with the transition (never twice: its id is unique per transition). */
export function effectWrite(effect: PendingEffect): TransactItem {
  const item: EffectItem = {
    ...effectKey(effect.effectId),
    type: 'number_effect',
    ...effect,
    kind: effect.payload.kind,
    status: 'pending',
    attempts: 0,
    gsi3pk: EFFECTS_DUE,
    gsi3sk: `${effect.at}#${effect.effectId}`,
  };
  return {
    Put: {
      TableName: tableName('numbers'),
      Item: item,
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The durable form of a transition's effects; ids are `<number>#v<version>#<n>`, unique per transition. */
export function lifecycleEffects(
  effects: readonly LifecycleEffect[],
  before: NumberItem,
  after: NumberItem,
  at: string,
): PendingEffect[] {
  const prefix = `${before.number}#v${String(after.version).padStart(8, '0')}`;
  const pending: PendingEffect[] = [];
  let settleId: string | undefined;
  effects.forEach((effect, index) => {
    const effectId = `${prefix}#${index}`;
    switch (effect.kind) {
      case 'settle':
        if (!before.contractId) return;
        settleId = effectId;
        pending.push({
          effectId,
          at,
          payload: {
            kind: 'settle',
            tenantId: effect.tenantId,
            number: before.number,
            contractId: before.contractId,
          },
        });
        return;
      case 'refund_balance':
        pending.push({
          effectId,
          at,
          payload: {
            kind: 'refund_balance',
            tenantId: effect.tenantId,
            number: before.number,
            refundId: `${before.number}-${after.version}`,
          },
          ...(settleId ? { requires: [settleId] } : {}),
        });
        return;
      case 'release_access_number':
        if (!before.phoneNumberId) return;
        pending.push({
          effectId,
          at,
          payload: {
            kind: 'release_access_number',
            number: before.number,
            phoneNumberId: before.phoneNumberId,
          },
        });
        return;
      case 'notify':
        pending.push({
          effectId,
          at,
          payload: {
            kind: 'notify',
            notification: {
              tenantId: effect.tenantId,
              kind: 'number_lifecycle',
              subject: `${before.number}: ${effect.text}`,
              text: `Your 400 number ${before.number}: ${effect.text}.`,
              dedupeKey: `number#${before.number}#${after.version}#${effect.tenantId}`,
              attributes: { number: before.number, status: after.status },
            },
          },
        });
        return;
    }
  });
  return pending;
}

const SETTLED_KINDS = new Set(['monthly_rent', 'value_added', 'retention_fee']);

/** Posts the current month's rent, features and retention up to the end of service (billing's keys). */
export async function settleContract(
  number: string,
  contractId: string,
  ledger: LedgerPort,
  config: NumbersConfig,
) {
  const item = await getContractItem(number, contractId);
  if (!item) return;
  const contract = contractFromItem(item, config.timeZone);
  if (!contract?.serviceTo) return;
  const month = contract.serviceTo.slice(0, 7);
  // serviceTo is exclusive: ending on the 1st leaves nothing to bill this month (the run bills last month).
  const entries: LedgerEntryInput[] = monthlyCharges({ contract, month, incidents: [] })
    .filter((c) => SETTLED_KINDS.has(c.kind))
    .map((c) => ({
      tenantId: contract.tenantId,
      key: chargeKey(contract.tenantId, number, month, c.kind),
      kind: c.kind,
      amount: c.amount,
      at: (item.endedAt as string | undefined) ?? new Date().toISOString(),
      description: `${c.description} (settled at end of service)`,
      number,
      meta: c.meta as Record<string, string | number | boolean>,
    }));
  if (entries.length > 0) await ledger.post(entries);
}

/** The tenant's numbers still theirs (other than `except`). */
async function otherLiveNumbers(tenantId: string, except: string): Promise<number> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: tableName('numbers'),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}#numbers` },
    }),
  );
  return (result.Items ?? []).filter((i) => i.number !== except).length;
}

/**
 * A refund request for what is left on the balance once the tenant's last number is gone: the request
 * item (finance pays it out) and the ledger entry that takes the amount off the balance, same key forever.
 * A retry after the request was written posts the entry the request names (same key, same amount).
 */
export async function requestRefund(
  tenantId: string,
  number: string,
  refundId: string,
  at: string,
  ledger: LedgerPort,
) {
  const requestKey = { pk: `TENANT#${tenantId}`, sk: `REFUND#${refundId}` };
  const existing = await dynamo().send(
    new GetCommand({ TableName: tableName('numbers'), Key: requestKey, ConsistentRead: true }),
  );
  let request = existing.Item;
  if (!request) {
    if ((await otherLiveNumbers(tenantId, number)) > 0) return;
    const account = await dynamo().send(
      new GetCommand({
        TableName: tableName('ledger'),
        Key: { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' },
        ConsistentRead: true,
      }),
    );
    const balance = Number(account.Item?.balance ?? 0);
    if (!Number.isSafeInteger(balance) || balance <= 0) return;
    request = {
      ...requestKey,
      type: 'refund_request',
      tenantId,
      number,
      amount: balance,
      currency: 'CNY',
      status: 'requested',
      ledgerKey: `refund#${number}#${refundId}`,
      requestedAt: at,
    };
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName('numbers'),
          Item: request,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      // Written meanwhile by a concurrent run: post what that one recorded.
      request = (
        await dynamo().send(
          new GetCommand({ TableName: tableName('numbers'), Key: requestKey, ConsistentRead: true }),
        )
      ).Item as Record<string, unknown>;
    }
  }
  await ledger.post([
    {
      tenantId,
      key: String(request.ledgerKey),
      kind: 'refund',
      amount: -Number(request.amount),
      at: String(request.requestedAt ?? at),
      description: `Refund of the remaining balance after cancelling ${number}`,
      number,
    },
  ]);
}

async function perform(payload: EffectPayload, at: string, deps: EffectDeps): Promise<void> {
  const ledger = deps.ledger ?? ledgerStore();
  switch (payload.kind) {
    case 'settle':
      return settleContract(payload.number, payload.contractId, ledger, deps.config);
    case 'refund_balance':
      return requestRefund(payload.tenantId, payload.number, payload.refundId, at, ledger);
    case 'release_access_number':
      return (await port('telephony')).releaseAccessNumber(payload.phoneNumberId);
    case 'notify':
      await (await port('notifications')).publish(payload.notification);
      return;
  }
}

async function getEffect(effectId: string): Promise<EffectItem | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName('numbers'), Key: effectKey(effectId), ConsistentRead: true }),
  );
  return result.Item as EffectItem | undefined;
}

async function markDone(effectId: string, at: string): Promise<void> {
  const keepUntil = Math.floor(Date.parse(at) / 1000) + DONE_KEPT_DAYS * 86_400;
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('numbers'),
      Key: effectKey(effectId),
      UpdateExpression: 'SET #status = :done, doneAt = :at, expiresAt = :ttl REMOVE gsi3pk, gsi3sk',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':done': 'done', ':at': at, ':ttl': keepUntil },
    }),
  );
}

/** Backs a failed (or blocked) effect off: due again after base·2^attempts minutes, capped. */
async function markRetry(
  effect: PendingEffect,
  attempts: number,
  why: string,
  now: string,
  config: NumbersConfig,
): Promise<void> {
  const minutes = Math.min(config.effectRetryMinutes * 2 ** attempts, config.effectRetryMaxMinutes);
  const due = new Date(Date.parse(now) + minutes * 60_000).toISOString();
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('numbers'),
      Key: effectKey(effect.effectId),
      UpdateExpression: 'SET attempts = :n, lastError = :e, lastAttemptAt = :now, gsi3sk = :due',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':n': attempts + 1,
        ':e': why.slice(0, 500),
        ':now': now,
        ':due': `${due}#${effect.effectId}`,
        ':pending': 'pending',
      },
    }),
  );
}

export interface EffectsReport {
  readonly done: number;
  readonly failed: number;
  /** Waiting for an effect they require. */
  readonly blocked: number;
}

/**
 * Carries pending effects out in order and marks each done; a failure is recorded for the retry job
 * (never thrown: the state change it belongs to is committed). `now` is when this attempt runs.
 */
export async function runEffects(
  effects: readonly (PendingEffect & { readonly attempts?: number })[],
  now: string,
  deps: EffectDeps,
): Promise<EffectsReport> {
  const doneNow = new Set<string>();
  const notDone = new Set<string>();
  let done = 0;
  let failed = 0;
  let blocked = 0;
  const isDone = async (id: string) => {
    if (doneNow.has(id)) return true;
    if (notDone.has(id)) return false;
    const required = await getEffect(id);
    return required === undefined || required.status === 'done';
  };
  for (const effect of effects) {
    const attempts = effect.attempts ?? 0;
    try {
      const waiting: string[] = [];
      for (const id of effect.requires ?? []) if (!(await isDone(id))) waiting.push(id);
      if (waiting.length > 0) {
        blocked += 1;
        notDone.add(effect.effectId);
        await markRetry(effect, attempts, `waiting for ${waiting.join(', ')}`, now, deps.config);
        continue;
      }
      await perform(effect.payload, effect.at, deps);
      await markDone(effect.effectId, now);
      doneNow.add(effect.effectId);
      done += 1;
    } catch (error) {
      failed += 1;
      notDone.add(effect.effectId);
      logger.error('number lifecycle effect failed; it stays pending for the number-effects job', {
        effect: effect.payload.kind,
        effectId: effect.effectId,
        attempts: attempts + 1,
        error: error as Error,
      });
      await markRetry(effect, attempts, (error as Error).message ?? String(error), now, deps.config).catch(
        (e) => logger.error('recording an effect failure failed', { effectId: effect.effectId, error: e }),
      );
    }
  }
  return { done, failed, blocked };
}

/** Effects due at `at` (oldest first; ids of one transition in their order). */
export async function dueEffects(at: string): Promise<EffectItem[]> {
  const items: EffectItem[] = [];
  for await (const item of dueBefore(EFFECTS_DUE, at)) items.push(item as unknown as EffectItem);
  return items;
}

/** Job number-effects: retries every pending effect that is due. Safe to run twice or overlapping. */
export async function retryDueEffects(at: string, deps: EffectDeps) {
  const due = await dueEffects(at);
  let processed = 0;
  let failed = 0;
  let skipped = 0;
  for (const item of due) {
    // Re-read: the index is eventually consistent and another run may have finished it.
    const current = await getEffect(item.effectId);
    if (current?.status !== 'pending') {
      skipped += 1;
      continue;
    }
    const report = await runEffects([current], at, deps);
    processed += report.done;
    failed += report.failed;
    skipped += report.blocked;
  }
  return { job: 'number-effects', at, processed, skipped, failed };
}
