/**
 * Charging one account's calls from one batch, as a pure computation: each contact is new (charged),
 * a newer record of a charged contact (re-rated; the difference is an adjustment), or stale (ignored).
 * Calls whose allowance bucket was re-allocated (a call that started before them arrived late) are
 * re-settled: re-rated with their new included seconds, the difference posted as an adjustment.
 * Included seconds come from the allocation of the call's bucket (./allowances.ts), never from the
 * order calls are charged in. Spend counts toward the call's local day, but never a day after today:
 * no record moves the account's spend day forward.
 * The charge store writes the result in one transaction with the account, so it lands all or nothing.
 */
import { type Account, applyMovements, type Crossing, type Movement } from '../accounts/account.js';
import { allowanceAdjustmentKey, type CallRecord, callAdjustmentKey } from '../calls/call-record.js';
import type { NormalizedContact } from '../calls/contact-record.js';
import type { RegionFacts } from '../calls/region.js';
import { rateCall } from '../rating/rate-call.js';
import type { TariffBook } from '../rating/tariff.js';
import { localDay } from '../zoned-time.js';

export interface CallToCharge {
  readonly contact: NormalizedContact;
  readonly number: string;
  readonly accessNumber: string;
  readonly segment: string | undefined;
  readonly plan: string | undefined;
  /** Included seconds its bucket's allocation gives the call (allocateAllowance); absent: none. */
  readonly freeSeconds?: number;
  readonly allowanceKey?: string;
}

/** A charged call whose included seconds the allocation changed, and the bucket version that did it. */
export interface Resettlement {
  readonly record: CallRecord;
  readonly freeSeconds: number;
  readonly bucketVersion: number;
}

export type CallWrite =
  | { readonly kind: 'new'; readonly record: CallRecord }
  | {
      readonly kind: 'update';
      readonly record: CallRecord;
      readonly previous: CallRecord;
      readonly adjustment: number;
      /** The adjustment entry's permanent key (when `adjustment` is not 0). */
      readonly adjustmentKey: string;
      readonly why: 'newer_record' | 'allowance';
    };

export interface ChargeResult {
  readonly account: Account;
  readonly writes: readonly CallWrite[];
  readonly stale: readonly string[];
  readonly crossings: readonly Crossing[];
  /** The account item must be written (money moved). */
  readonly accountChanged: boolean;
  /** The money movements the account got (for a deferred posting). */
  readonly movements: readonly Movement[];
}

export interface RatingContext {
  /**
   * The compiled tariff in force at an instant (epoch ms): a call is priced by the tariff in force when it
   * started, whenever its record arrives, so a price quoted is the price charged.
   */
  readonly bookAt: (epochMs: number) => TariffBook;
  readonly regions: RegionFacts;
}

export interface ChargeOptions {
  /** The ingest instant (epoch ms): spend never counts toward a day after its local day. */
  readonly nowMs: number;
  readonly resettle?: readonly Resettlement[];
  /** The refusal point's rate (the tariff in force now: its dearest minute), for the alerts' crossings. */
  readonly refusalRatePerMinute: number;
}

export function chargeCalls(
  before: Account,
  calls: readonly CallToCharge[],
  existing: ReadonlyMap<string, CallRecord>,
  ctx: RatingContext,
  options: ChargeOptions,
): ChargeResult {
  const zone = ctx.bookAt(options.nowMs).tariff.timeZone;
  const today = localDay(zone, options.nowMs);
  const spendDay = (day: string) => (day > today ? today : day);
  const writes: CallWrite[] = [];
  const stale: string[] = [];
  const movements: Movement[] = [];
  const charge = (amount: number, day: string) => {
    if (amount !== 0) movements.push({ amount: -amount, spend: { amount, day: spendDay(day) } });
  };
  for (const r of options.resettle ?? []) {
    const previous = r.record;
    // Re-settled at the prices it was charged with: the tariff in force when it started.
    const plan = ctx.bookAt(Date.parse(previous.startedAt)).plan(previous.segment, previous.plan);
    const rating = rateCall(plan, zone, {
      answeredAtMs: previous.answeredAt === undefined ? undefined : Date.parse(previous.answeredAt),
      endedAtMs: Date.parse(previous.endedAt),
      local: previous.local,
      recordingSeconds: previous.recordingSeconds,
      ivr: previous.ivr,
      includedSecondsLeft: r.freeSeconds,
    });
    const record = { ...previous, includedSecondsUsed: rating.includedSecondsUsed, amount: rating.amount };
    const adjustment = record.amount - previous.amount;
    const adjustmentKey = allowanceAdjustmentKey(
      previous.contactId,
      previous.allowanceKey ?? '',
      r.bucketVersion,
    );
    writes.push({ kind: 'update', record, previous, adjustment, adjustmentKey, why: 'allowance' });
    charge(adjustment, previous.day);
  }
  for (const call of calls) {
    const c = call.contact;
    const previous = existing.get(c.contactId);
    if (previous && previous.lastUpdatedAt >= c.lastUpdatedAt) {
      stale.push(c.contactId);
      continue;
    }
    const book = ctx.bookAt(c.startedMs);
    const plan = book.plan(call.segment ?? previous?.segment, call.plan ?? previous?.plan);
    const local = ctx.regions.isLocal(c.caller, c.answerNumber);
    const rating = rateCall(plan, zone, {
      answeredAtMs: c.answeredMs,
      endedAtMs: c.endedMs,
      local,
      recordingSeconds: c.recordingSeconds,
      ivr: c.ivr,
      includedSecondsLeft: call.freeSeconds ?? 0,
    });
    const day = localDay(zone, c.startedMs);
    const record: CallRecord = {
      contactId: c.contactId,
      tenantId: before.tenantId,
      number: call.number,
      accessNumber: call.accessNumber,
      caller: c.caller,
      callerRegion: ctx.regions.regionOf(c.caller),
      answeredBy: c.answeredBy,
      answerNumber: c.answerNumber,
      startedAt: c.startedAt,
      answeredAt: c.answeredMs === undefined ? undefined : new Date(c.answeredMs).toISOString(),
      endedAt: new Date(c.endedMs).toISOString(),
      day,
      durationSeconds: rating.billableSeconds,
      billedSeconds: rating.billedSeconds,
      includedSecondsUsed: rating.includedSecondsUsed,
      allowanceKey: call.allowanceKey,
      amount: rating.amount,
      missed: !rating.answered,
      local,
      ivr: c.ivr,
      recordingRef: c.recordingRef,
      recordingSeconds: c.recordingSeconds,
      segment: plan.segment,
      plan: plan.plan,
      tariffVersion: book.tariff.version,
      lastUpdatedAt: c.lastUpdatedAt,
      initialContactId: c.initialContactId,
    };
    if (previous) {
      const adjustment = record.amount - previous.amount;
      const adjustmentKey = callAdjustmentKey(c.contactId, c.lastUpdatedAt);
      writes.push({ kind: 'update', record, previous, adjustment, adjustmentKey, why: 'newer_record' });
      charge(adjustment, day);
    } else {
      writes.push({ kind: 'new', record });
      charge(record.amount, day);
    }
  }
  const { account, crossings } = applyMovements(before, movements, options.refusalRatePerMinute);
  const accountChanged = movements.length > 0;
  return {
    account: accountChanged ? account : before,
    writes,
    stale,
    crossings: accountChanged ? crossings : [],
    accountChanged,
    movements,
  };
}
