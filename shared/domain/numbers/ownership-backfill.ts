/**
 * Ownership periods for numbers that came into service before periods were kept (./ownership.ts). Such a
 * number has no `owners`, or only the periods opened by transitions since (a transfer after periods existed
 * opens the new owner's and leaves the earlier owner's tenure unrecorded), so the calls of those earlier
 * tenures park as `no_owner_at_start`. The periods are rebuilt by replaying the number's history (every
 * transition is a row: activation, transfer with a row for each owner, end of tenure) through the same rule
 * transitions apply (`ownershipAfter`); the running period takes the number's current access number (earlier
 * ones match any access number: the history does not name them). When the history does not end with the
 * current holder's tenure (migrated data), its closed tenures stand and the current one starts at the
 * creation of the holder's contract (its approval), if there is one. Periods already kept win: rebuilt ones
 * only fill the time before the first of them. Pure and idempotent: rebuilding again changes nothing.
 */
import type { ContractRecord } from './application.js';
import { BILLABLE_STATUSES, type LifecycleState } from './lifecycle.js';
import type { HistoryEntry, NumberRecord } from './number.js';
import { type OwnershipPeriod, ownershipAfter } from './ownership.js';

/** Replays the history (oldest first): a hand-over writes a row for the old owner, then one for the new. */
export function periodsFromHistory(history: readonly HistoryEntry[]): OwnershipPeriod[] {
  let state: LifecycleState = { status: 'available' };
  let periods: readonly OwnershipPeriod[] = [];
  for (let i = 0; i < history.length; i++) {
    const entry = history[i] as HistoryEntry;
    const next = history[i + 1];
    const newOwnerRow =
      next !== undefined &&
      next.at === entry.at &&
      next.command === entry.command &&
      next.from === entry.from &&
      next.to === entry.to &&
      next.tenantId !== entry.tenantId;
    const tenantId = newOwnerRow ? next.tenantId : entry.tenantId;
    if (newOwnerRow) i++;
    const after: LifecycleState = { status: entry.to, ...(tenantId ? { tenantId } : {}) };
    periods = ownershipAfter(periods, state, after, entry.at) ?? periods;
    state = after;
  }
  return [...periods];
}

const sameTenure = (a: OwnershipPeriod, b: OwnershipPeriod) =>
  a.tenantId === b.tenantId && a.from === b.from && a.to === b.to && a.accessNumber === b.accessNumber;

/**
 * The periods a number should carry, or undefined when nothing is to change (its periods are complete, or
 * nothing says who held it).
 */
export function backfilledOwnership(
  number: NumberRecord,
  history: readonly HistoryEntry[],
  contract: ContractRecord | undefined,
): readonly OwnershipPeriod[] | undefined {
  const held = number.tenantId !== undefined && BILLABLE_STATUSES.includes(number.status);
  let rebuilt = periodsFromHistory(history);
  const running = rebuilt[rebuilt.length - 1];
  if (running?.to === undefined && !(held && running?.tenantId === number.tenantId)) {
    // The history does not end with the current holder's tenure: its closed tenures stand; the current one
    // starts when the holder's contract was created (the approval), if that says so.
    rebuilt = rebuilt.filter((p) => p.to !== undefined);
    const closed = rebuilt[rebuilt.length - 1];
    const from = typeof contract?.createdAt === 'string' ? contract.createdAt : undefined;
    const after = !closed || (from !== undefined && Date.parse(from) >= Date.parse(closed.to as string));
    if (held && from && contract?.tenantId === number.tenantId && after)
      rebuilt.push({ tenantId: number.tenantId as string, from });
  }
  const open = rebuilt[rebuilt.length - 1];
  if (open && open.to === undefined && number.accessNumber)
    rebuilt[rebuilt.length - 1] = { ...open, accessNumber: number.accessNumber };
  const kept = number.owners ?? [];
  const firstKept = kept[0];
  const earlier = firstKept
    ? rebuilt
        .filter((p) => Date.parse(p.from) < Date.parse(firstKept.from))
        .map((p) =>
          p.to === undefined || Date.parse(p.to) > Date.parse(firstKept.from)
            ? { ...p, to: firstKept.from }
            : p,
        )
    : rebuilt;
  const result = [...earlier, ...kept];
  if (result.length === 0) return undefined;
  if (result.length === kept.length && result.every((p, i) => sameTenure(p, kept[i] as OwnershipPeriod)))
    return undefined;
  return result;
}
