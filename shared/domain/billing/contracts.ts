/**
 * Contract terms, pure. A term is [termStart, termEnd) in local days. Thirty days before termEnd the
 * tenant is told whether the contract will auto-renew or end; on termEnd an auto-renewing contract starts a
 * new term of the same length (same plan unless changed), any other contract ends (service stops that day).
 */
import {
  addDays,
  addMonths,
  type BillingMonth,
  firstDayOf,
  type LocalDate,
  localDateOf,
  monthOf,
  nextMonth,
  startOfLocalDate,
} from './calendar.js';
import { pricedFor } from './tariffs.js';
import type { BillingContract, DateRange } from './types.js';

export const RENEWAL_NOTICE_DAYS = 30;

export function noticeDate(termEnd: LocalDate): LocalDate {
  return addDays(termEnd, -RENEWAL_NOTICE_DAYS);
}

export type ContractAction =
  | {
      readonly type: 'notice';
      readonly termEnd: LocalDate;
      readonly renews: boolean;
      readonly dedupeKey: string;
    }
  | { readonly type: 'renew'; readonly termStart: LocalDate; readonly termEnd: LocalDate }
  | { readonly type: 'end'; readonly serviceTo: LocalDate };

/**
 * What is due on `today` for a contract, given the term end its last notice was for. Late runs catch up:
 * a term that ended several terms ago is renewed term by term in one go.
 */
export function contractActions(
  contract: Pick<
    BillingContract,
    'contractId' | 'termStart' | 'termEnd' | 'termMonths' | 'autoRenew' | 'serviceTo'
  >,
  today: LocalDate,
  noticeSentFor: LocalDate | undefined,
): ContractAction[] {
  if (contract.serviceTo !== undefined && contract.serviceTo <= today) return [];
  if (today >= contract.termEnd) {
    if (!contract.autoRenew) return [{ type: 'end', serviceTo: contract.termEnd }];
    let start = contract.termStart;
    let end = contract.termEnd;
    const months = Math.max(1, contract.termMonths);
    while (today >= end) {
      start = end;
      end = addMonths(contract.termStart, months * (1 + countTerms(contract.termStart, start, months)));
    }
    const actions: ContractAction[] = [{ type: 'renew', termStart: start, termEnd: end }];
    // A new term that is itself within its notice window (very late run) gets its notice now.
    if (today >= noticeDate(end)) actions.push(notice(contract.contractId, end, true));
    return actions;
  }
  if (today >= noticeDate(contract.termEnd) && noticeSentFor !== contract.termEnd) {
    return [notice(contract.contractId, contract.termEnd, contract.autoRenew)];
  }
  return [];
}

/** Whole terms from the first term start to `start` (anchored on the original start so month ends never drift). */
function countTerms(first: LocalDate, start: LocalDate, months: number): number {
  let n = 0;
  while (addMonths(first, months * (n + 1)) <= start) n++;
  return n;
}

function notice(contractId: string, termEnd: LocalDate, renews: boolean): ContractAction {
  return { type: 'notice', termEnd, renews, dedupeKey: `contract-notice#${contractId}#${termEnd}` };
}

/** A row of a number's lifecycle history: the status it left and the one it entered, at an instant. */
export interface LifecycleRow {
  readonly at: string;
  readonly from: string;
  readonly to: string;
}

/**
 * The first day a suspension made at `at` keeps from rent: a day is a suspended day (retention, no rent)
 * only when the number gave no service at all that day, so a suspension after a day's first instant starts
 * the next day. Otherwise a number suspended each night and resumed each morning would never pay rent.
 */
export function suspendedFrom(at: string, zone: string): LocalDate {
  const day = localDateOf(at, zone);
  return Date.parse(at) === startOfLocalDate(day, zone).getTime() ? day : addDays(day, 1);
}

/**
 * Suspensions and the end of service from the number's lifecycle history: a suspension runs from the first
 * whole day after `suspend` (suspendedFrom; retention charged) to the day of `resume` (rent charged);
 * service ends the day the number is cancelled (or quarantined).
 */
export function withHistory(contract: BillingContract, history: readonly LifecycleRow[]): BillingContract {
  const rows = history
    .filter((h) => localDateOf(h.at, contract.timeZone) >= contract.serviceFrom)
    .sort((a, b) => (a.at < b.at ? -1 : 1));
  const suspensions: DateRange[] = [...contract.suspensions];
  let open: LocalDate | undefined;
  let serviceTo = contract.serviceTo;
  for (const h of rows) {
    const day = localDateOf(h.at, contract.timeZone);
    if (h.to === 'suspended' && open === undefined) open = suspendedFrom(h.at, contract.timeZone);
    else if (h.from === 'suspended' && open !== undefined) {
      if (day > open) suspensions.push({ from: open, to: day });
      open = undefined;
    }
    if ((h.to === 'cancelled' || h.to === 'quarantined') && serviceTo === undefined) serviceTo = day;
  }
  if (open !== undefined && !suspensions.some((s) => s.to === undefined)) suspensions.push({ from: open });
  return { ...contract, suspensions, ...(serviceTo ? { serviceTo } : {}) };
}

/**
 * What ending service inside the minimum term costs (the contract's early-termination rule): the monthly
 * rent of every calendar month of the current term after the month service ends, each at the price in
 * force that month (a started month of the term counts whole). The month service ends in is settled as
 * usual (rent up to the end of service), so nothing is charged twice. Ending on or after termEnd, or a
 * contract already in a renewed term that ends later, costs the months left of that term alike.
 */
export function earlyTerminationCharges(
  contract: Pick<BillingContract, 'termEnd' | 'monthlyRent' | 'priceChanges'>,
  serviceTo: LocalDate,
): { readonly month: BillingMonth; readonly amount: number }[] {
  if (serviceTo >= contract.termEnd) return [];
  // serviceTo is the first day without service: ending on the 1st leaves that whole month unserved.
  let month = serviceTo.endsWith('-01') ? monthOf(serviceTo) : nextMonth(monthOf(serviceTo));
  const months: { month: BillingMonth; amount: number }[] = [];
  while (firstDayOf(month) < contract.termEnd) {
    const rent = pricedFor(contract as BillingContract, month).monthlyRent;
    if (rent > 0) months.push({ month, amount: -rent });
    month = nextMonth(month);
  }
  return months;
}
