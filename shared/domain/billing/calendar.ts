/**
 * Calendar arithmetic for billing: months and local days in an explicit IANA zone. Local dates are
 * `YYYY-MM-DD` strings, months `YYYY-MM`; instants are ISO-8601 UTC strings. Zone arithmetic: ../zoned-time.ts.
 */
import { invalid } from '../errors.js';
import { localDay, startOfLocalDay } from '../zoned-time.js';

export type LocalDate = string;
export type BillingMonth = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isBillingMonth(value: string): boolean {
  return MONTH.test(value);
}

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
export function daysInMonthOf(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isLocalDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonthOf(Number(m[1]), month);
}

export function parseMonth(value: string, field = 'month'): BillingMonth {
  if (!MONTH.test(value)) throw invalid('invalid_month', `${field} must be YYYY-MM`, field);
  return value;
}

/** The local calendar date of an instant in a zone. */
export function localDateOf(instant: string | Date, zone: string): LocalDate {
  return localDay(zone, typeof instant === 'string' ? Date.parse(instant) : instant.getTime());
}

/** The instant a local date begins in a zone (midnight; zones with DST resolved by two passes). */
export function startOfLocalDate(date: LocalDate, zone: string): Date {
  return new Date(startOfLocalDay(zone, date));
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** Same day of month n months later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export function monthOf(date: LocalDate): BillingMonth {
  return date.slice(0, 7);
}

export function firstDayOf(month: BillingMonth): LocalDate {
  return `${month}-01`;
}

export function daysInMonth(month: BillingMonth): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function nextMonth(month: BillingMonth): BillingMonth {
  return monthOf(addMonths(firstDayOf(month), 1));
}

export function previousMonth(month: BillingMonth): BillingMonth {
  return monthOf(addMonths(firstDayOf(month), -1));
}

/** The month just ended at an instant, in a zone: the one a monthly run at that instant bills. */
export function monthJustEnded(at: string | Date, zone: string): BillingMonth {
  return previousMonth(monthOf(localDateOf(at, zone)));
}

export interface MonthBounds {
  readonly month: BillingMonth;
  /** First local day and the first day of the next month (exclusive). */
  readonly from: LocalDate;
  readonly to: LocalDate;
  /** The month's instants: [startAt, endAt). */
  readonly startAt: string;
  readonly endAt: string;
  /** The last millisecond of the month: the effective instant of the month's charges. */
  readonly lastInstant: string;
  readonly days: number;
}

const boundsCache = new Map<string, MonthBounds>();

/** Memoised: the monthly run asks for the same month and zone once per contract. */
export function monthBounds(month: BillingMonth, zone: string): MonthBounds {
  const cacheKey = `${month}|${zone}`;
  let bounds = boundsCache.get(cacheKey);
  if (!bounds) {
    bounds = computeMonthBounds(month, zone);
    if (boundsCache.size > 10_000) boundsCache.clear();
    boundsCache.set(cacheKey, bounds);
  }
  return bounds;
}

function computeMonthBounds(month: BillingMonth, zone: string): MonthBounds {
  const from = firstDayOf(month);
  const to = firstDayOf(nextMonth(month));
  const end = startOfLocalDate(to, zone);
  return {
    month,
    from,
    to,
    startAt: startOfLocalDate(from, zone).toISOString(),
    endAt: end.toISOString(),
    lastInstant: new Date(end.getTime() - 1).toISOString(),
    days: daysInMonth(month),
  };
}
