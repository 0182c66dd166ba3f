/**
 * Charging one account's calls from one batch, as a pure computation: each contact is new (charged),
 * a newer record of a charged contact (re-rated; the difference is an adjustment), or stale (ignored).
 * The charge store writes the result in one transaction with the account, so it lands all or nothing.
 */
import { type Account, applyMovements, type Crossing, type Movement } from '../accounts/account.js';
import type { CallRecord } from '../calls/call-record.js';
import type { NormalizedContact } from '../calls/contact-record.js';
import type { RegionFacts } from '../calls/region.js';
import { rateCall } from '../rating/rate-call.js';
import type { TariffBook } from '../rating/tariff.js';
import { localDay, localMonth } from '../zoned-time.js';

export interface CallToCharge {
  readonly contact: NormalizedContact;
  readonly number: string;
  readonly accessNumber: string;
  readonly segment: string | undefined;
  readonly plan: string | undefined;
}

export type CallWrite =
  | { readonly kind: 'new'; readonly record: CallRecord }
  | {
      readonly kind: 'update';
      readonly record: CallRecord;
      readonly previous: CallRecord;
      readonly adjustment: number;
    };

export interface ChargeResult {
  readonly account: Account;
  readonly writes: readonly CallWrite[];
  readonly stale: readonly string[];
  readonly crossings: readonly Crossing[];
  /** The account item must be written (money moved or included minutes were used). */
  readonly accountChanged: boolean;
  /** The money movements the account got (for a deferred posting). */
  readonly movements: readonly Movement[];
}

export interface RatingContext {
  readonly book: TariffBook;
  readonly regions: RegionFacts;
}

export function chargeCalls(
  before: Account,
  calls: readonly CallToCharge[],
  existing: ReadonlyMap<string, CallRecord>,
  ctx: RatingContext,
): ChargeResult {
  const zone = ctx.book.tariff.timeZone;
  let includedMonth = before.includedMonth;
  let includedUsed = before.includedSecondsUsed;
  const writes: CallWrite[] = [];
  const stale: string[] = [];
  const movements: Movement[] = [];
  // Oldest first, so included minutes go to calls in the order they were made.
  const ordered = [...calls].sort((a, b) => a.contact.startedMs - b.contact.startedMs);
  for (const call of ordered) {
    const c = call.contact;
    const previous = existing.get(c.contactId);
    if (previous && previous.lastUpdatedAt >= c.lastUpdatedAt) {
      stale.push(c.contactId);
      continue;
    }
    const plan = ctx.book.plan(call.segment ?? previous?.segment, call.plan ?? previous?.plan);
    const month = localMonth(zone, c.startedMs);
    if (includedMonth === undefined || month > includedMonth) {
      includedMonth = month;
      includedUsed = 0;
    }
    const includedLeftNow =
      month === includedMonth ? Math.max(0, plan.includedMinutes * 60 - includedUsed) : 0;
    const local = ctx.regions.isLocal(c.caller, c.answerNumber);
    const rating = rateCall(plan, zone, {
      answeredAtMs: c.answeredMs,
      endedAtMs: c.endedMs,
      local,
      recordingSeconds: c.recordingSeconds,
      ivr: c.ivr,
      includedSecondsLeft: includedLeftNow + (previous?.includedSecondsUsed ?? 0),
    });
    if (month === includedMonth)
      includedUsed += rating.includedSecondsUsed - (previous?.includedSecondsUsed ?? 0);
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
      amount: rating.amount,
      missed: !rating.answered,
      local,
      ivr: c.ivr,
      recordingRef: c.recordingRef,
      recordingSeconds: c.recordingSeconds,
      segment: plan.segment,
      plan: plan.plan,
      tariffVersion: ctx.book.tariff.version,
      lastUpdatedAt: c.lastUpdatedAt,
      initialContactId: c.initialContactId,
    };
    if (previous) {
      const adjustment = record.amount - previous.amount;
      writes.push({ kind: 'update', record, previous, adjustment });
      if (adjustment !== 0) movements.push({ amount: -adjustment, spend: { amount: adjustment, day } });
    } else {
      writes.push({ kind: 'new', record });
      if (record.amount !== 0)
        movements.push({ amount: -record.amount, spend: { amount: record.amount, day } });
    }
  }
  const { account, crossings } = applyMovements(
    { ...before, includedMonth, includedSecondsUsed: Math.max(0, includedUsed) },
    movements,
  );
  const accountChanged =
    movements.length > 0 ||
    includedMonth !== before.includedMonth ||
    includedUsed !== before.includedSecondsUsed;
  return {
    account: accountChanged ? account : before,
    writes,
    stale,
    crossings: accountChanged ? crossings : [],
    accountChanged,
    movements,
  };
}
