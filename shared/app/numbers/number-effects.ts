/**
 * Durable lifecycle side effects. Whatever a transition must do outside its own records (post the
 * settlement, record the refund, release the access number in Connect, notify the tenant, send an approved
 * number's activation to its worker) is written as a pending effect in the SAME commit as the state change,
 * carried out right after it and marked done. One that fails stays pending and the number-effects job (retryNumberEffects) retries it with backoff, so a
 * crash or an outage between the commit and the effect loses nothing.
 *
 * Every effect is idempotent (ledger keys, Connect release of a released number, notification dedupe keys,
 * the refund's request id, routing cleared only where the previous owner's), so a retry never
 * charges, refunds or notifies twice. An effect may require others (the refund waits for the settlement,
 * or it would refund money the tenant still owes).
 */
import { chargeKey, monthlyCharges } from '../../domain/billing/charges.js';
import { earlyTerminationCharges } from '../../domain/billing/contracts.js';
import { epochSecondsAfterDays } from '../../domain/calendar-date.js';
import type { LedgerEntryInput, LedgerPort } from '../../domain/ledger/types.js';
import type { LifecycleEffect } from '../../domain/numbers/lifecycle.js';
import type { NumberRecord } from '../../domain/numbers/number.js';
import { type EffectPayload, noticeEffect, type PendingEffect } from '../../ports/number-effect-store.js';
import type { NumberWrite } from '../../ports/number-store.js';
import { startActivation } from './activation.js';
import type { NumbersDeps } from './deps.js';
import { withdrawQualifications } from './offer-qualifications.js';

const DONE_KEPT_DAYS = 90;

/** The durable form of a transition's effects; ids are `<number>#v<version>#<n>`, unique per transition. */
export function lifecycleEffects(
  effects: readonly LifecycleEffect[],
  before: NumberRecord,
  after: NumberRecord,
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
      case 'clear_routing':
        pending.push({
          effectId,
          at,
          payload: {
            kind: 'clear_routing',
            number: before.number,
            ...(effect.previousOwner ? { previousOwner: effect.previousOwner } : {}),
            ...(effect.accessNumber ? { accessNumber: effect.accessNumber } : {}),
          },
        });
        return;
      case 'notify':
        pending.push(
          noticeEffect(effectId, at, {
            tenantId: effect.tenantId,
            kind: 'number_lifecycle',
            template: 'number_status',
            params: { number: before.number, change: effect.text },
            dedupeKey: `number#${before.number}#${after.version}#${effect.tenantId}`,
            attributes: { number: before.number, status: after.status },
          }),
        );
        return;
    }
  });
  return pending;
}

/** The pending effects among a commit's writes, in their order (carried out once it committed). */
export function effectsAmong(writes: readonly NumberWrite[]): PendingEffect[] {
  return writes.flatMap((w) => (w.kind === 'effect' ? [w.effect] : []));
}

const SETTLED_KINDS = new Set(['monthly_rent', 'value_added', 'retention_fee']);

/**
 * Posts the current month's rent, features and retention up to the end of service (billing's keys), and
 * the early-termination charge when service ends inside the minimum term.
 */
async function settleContract(
  deps: NumbersDeps,
  number: string,
  contractId: string,
  ledger: LedgerPort,
  now: string,
) {
  const found = await deps.effects.billingContract(number, contractId, deps.config.timeZone);
  const serviceTo = found?.contract.serviceTo;
  if (!found || !serviceTo) return;
  const { contract } = found;
  const month = serviceTo.slice(0, 7);
  // serviceTo is exclusive: ending on the 1st leaves nothing to bill this month (the run bills last month).
  const entries: LedgerEntryInput[] = monthlyCharges({ contract, month, incidents: [] })
    .filter((c) => SETTLED_KINDS.has(c.kind))
    .map((c) => ({
      tenantId: contract.tenantId,
      key: chargeKey(contract.tenantId, number, month, c.kind),
      kind: c.kind,
      amount: c.amount,
      at: found.endedAt ?? now,
      description: `${c.description} (settled at end of service)`,
      number,
      meta: c.meta as Record<string, string | number | boolean>,
    }));
  // Ending inside the minimum term: the rent of the term's remaining months (billing/contracts.ts).
  const early = earlyTerminationCharges(contract, serviceTo);
  if (early.length > 0)
    entries.push({
      tenantId: contract.tenantId,
      key: chargeKey(contract.tenantId, number, month, 'early_termination'),
      kind: 'early_termination',
      amount: early.reduce((sum, m) => sum + m.amount, 0),
      at: found.endedAt ?? now,
      description: `Early termination: rent of ${early.length} month(s) left in the minimum term (to ${contract.termEnd})`,
      number,
      meta: { months: early.map((m) => m.month).join(','), termEnd: contract.termEnd },
    });
  if (entries.length > 0) await ledger.post(entries);
}

/**
 * Once the tenant's last number is gone, everything refundable goes back through payments: only money
 * paid in and not spent, oldest payment first, each part to its own payment's channel, never promotional
 * credit (request-refund.ts). The request id is the cancellation's, so a retry starts nothing new.
 */
export async function refundBalance(
  deps: NumbersDeps,
  refund: { tenantId: string; number: string; refundId: string; at: string },
): Promise<void> {
  const { tenantId, number, refundId, at } = refund;
  const others = (await deps.numbers.numbersOfTenant(tenantId)).filter((n) => n !== number);
  if (others.length > 0) return;
  await deps.refunds.refundAll({
    tenantId,
    requestId: `cancel#${number}#${refundId}`,
    by: 'job:number-cancellation',
    now: new Date(at),
  });
}

async function perform(deps: NumbersDeps, payload: EffectPayload, at: string, now: string): Promise<void> {
  switch (payload.kind) {
    case 'settle':
      return settleContract(deps, payload.number, payload.contractId, deps.ledger, now);
    case 'refund_balance':
      return refundBalance(deps, { ...payload, at });
    case 'release_access_number':
      return (await deps.telephony()).releaseAccessNumber(payload.phoneNumberId);
    case 'notify':
      await (await deps.notifications()).publish(payload.notification);
      return;
    case 'start_activation':
      await startActivation(deps, payload, at);
      return;
    case 'withdraw_qualifications':
      return withdrawQualifications(deps, payload, at);
    case 'clear_routing':
      return deps.routingHandOver.clear(payload.number, {
        ...(payload.previousOwner ? { previousOwner: payload.previousOwner } : {}),
        ...(payload.accessNumber ? { accessNumber: payload.accessNumber } : {}),
      });
  }
}

/** Backs a failed (or blocked) effect off: due again after base·2^attempts minutes, capped. */
async function markRetry(deps: NumbersDeps, effectId: string, attempts: number, why: string, now: string) {
  const { effectRetryMinutes, effectRetryMaxMinutes } = deps.config;
  const minutes = Math.min(effectRetryMinutes * 2 ** attempts, effectRetryMaxMinutes);
  await deps.effects.markRetry(effectId, {
    attempts: attempts + 1,
    lastError: why.slice(0, 500),
    lastAttemptAt: now,
    due: new Date(Date.parse(now) + minutes * 60_000).toISOString(),
  });
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
  deps: NumbersDeps,
  effects: readonly (PendingEffect & { readonly attempts?: number })[],
  now: string,
): Promise<EffectsReport> {
  const doneNow = new Set<string>();
  const notDone = new Set<string>();
  let done = 0;
  let failed = 0;
  let blocked = 0;
  const isDone = async (id: string) => {
    if (doneNow.has(id)) return true;
    if (notDone.has(id)) return false;
    const required = await deps.effects.get(id);
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
        await markRetry(deps, effect.effectId, attempts, `waiting for ${waiting.join(', ')}`, now);
        continue;
      }
      await perform(deps, effect.payload, effect.at, now);
      const keepUntil = epochSecondsAfterDays(now, DONE_KEPT_DAYS);
      await deps.effects.markDone(effect.effectId, now, keepUntil);
      doneNow.add(effect.effectId);
      done += 1;
    } catch (error) {
      failed += 1;
      notDone.add(effect.effectId);
      deps.log.error('number lifecycle effect failed; it stays pending for the number-effects job', {
        effect: effect.payload.kind,
        effectId: effect.effectId,
        attempts: attempts + 1,
        error: error as Error,
      });
      await markRetry(deps, effect.effectId, attempts, (error as Error).message ?? String(error), now).catch(
        (e) => deps.log.error('recording an effect failure failed', { effectId: effect.effectId, error: e }),
      );
    }
  }
  return { done, failed, blocked };
}
