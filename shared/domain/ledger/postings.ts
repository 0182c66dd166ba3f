/**
 * Deferred postings, for an account with more calls in one batch than one transaction can carry next to
 * its account item (100 actions). The calls are written first, in transactions of up to 99 call items
 * plus one posting item holding their net amount, daily spend and included minutes; then ONE
 * transaction applies every posting to the account (account write + each posting flipped to applied,
 * conditioned on not applied), with the batch's last calls when they fit beside it. A posting left unapplied by a crash is found again (from its calls on a
 * replay, or by the sweep of pending postings) and applied exactly once.
 */
import { type Account, applyMovements, type Crossing, type Movement } from '../accounts/account.js';

export interface Posting {
  readonly key: string;
  readonly tenantId: string;
  /** Net signed fen of the calls and adjustments it carries. */
  readonly amount: number;
  /** Call spend by local day. */
  readonly spend: Readonly<Record<string, number>>;
  readonly includedMonth?: string;
  readonly includedDelta: number;
  readonly calls: number;
}

/** Summarises one chunk's effect on the account (from the account before and after the chunk). */
export function postingOf(
  key: string,
  before: Account,
  after: Account,
  movements: readonly Movement[],
  calls: number,
): Posting {
  const spend: Record<string, number> = {};
  let amount = 0;
  for (const m of movements) {
    amount += m.amount;
    if (m.spend) spend[m.spend.day] = (spend[m.spend.day] ?? 0) + m.spend.amount;
  }
  const sameMonth = after.includedMonth === before.includedMonth;
  return {
    key,
    tenantId: before.tenantId,
    amount,
    spend,
    includedMonth: after.includedMonth,
    includedDelta: sameMonth
      ? after.includedSecondsUsed - before.includedSecondsUsed
      : after.includedSecondsUsed,
    calls,
  };
}

export function applyPostings(
  before: Account,
  postings: readonly Posting[],
  refusalRatePerMinute: number,
): { account: Account; crossings: Crossing[] } {
  let includedMonth = before.includedMonth;
  let includedSecondsUsed = before.includedSecondsUsed;
  const movements: Movement[] = [];
  for (const p of postings) {
    movements.push({ amount: p.amount });
    for (const [day, amount] of Object.entries(p.spend).sort())
      movements.push({ amount: 0, spend: { amount, day } });
    if (p.includedMonth !== undefined) {
      if (includedMonth === undefined || p.includedMonth > includedMonth) {
        includedMonth = p.includedMonth;
        includedSecondsUsed = Math.max(0, p.includedDelta);
      } else if (p.includedMonth === includedMonth)
        includedSecondsUsed = Math.max(0, includedSecondsUsed + p.includedDelta);
    }
  }
  return applyMovements({ ...before, includedMonth, includedSecondsUsed }, movements, refusalRatePerMinute);
}
