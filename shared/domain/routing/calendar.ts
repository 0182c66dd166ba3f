/**
 * Business hours in an explicit time zone, with China's public holidays and make-up workdays (调休).
 * The public calendar is the bundled years below, each replaced by the year operators published
 * (PUT /v1/holiday-calendars/{year}, see holiday-calendar.ts); a tenant can add closed days or cancel a
 * holiday (extraHolidays / extraWorkdays). Merge order: bundled < published < tenant. Compiled into the
 * snapshot at apply time (and recompiled by the holiday-recompile job), so the per-call path only checks
 * two sorted lists. A year nobody published has no holidays: plain weekdays.
 */

import { localClock } from '../zoned-time.js';
import type { BusinessHours, TimeRange, Weekday } from './types.js';
import { WEEKDAYS } from './types.js';

function range(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Official closed days by year (update each December when the State Council publishes the next year). */
export const CN_PUBLIC_HOLIDAYS: Readonly<Record<number, readonly string[]>> = {
  2025: [
    '2025-01-01',
    ...range('2025-01-28', '2025-02-04'),
    ...range('2025-04-04', '2025-04-06'),
    ...range('2025-05-01', '2025-05-05'),
    ...range('2025-05-31', '2025-06-02'),
    ...range('2025-10-01', '2025-10-08'),
  ],
  2026: [
    ...range('2026-01-01', '2026-01-03'),
    ...range('2026-02-15', '2026-02-23'),
    ...range('2026-04-04', '2026-04-06'),
    ...range('2026-05-01', '2026-05-05'),
    ...range('2026-06-19', '2026-06-21'),
    ...range('2026-09-25', '2026-09-27'),
    ...range('2026-10-01', '2026-10-07'),
  ],
};

/** Weekend days that are official workdays (make-up days). */
export const CN_MAKE_UP_WORKDAYS: Readonly<Record<number, readonly string[]>> = {
  2025: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  2026: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

/** One year of the public calendar: closed days and make-up workdays, each sorted. */
export interface PublicCalendarYear {
  readonly holidays: readonly string[];
  readonly workdays: readonly string[];
}

/** The public calendar by year (bundled years, each replaced by a published one where there is one). */
export type PublicCalendar = Readonly<Record<number, PublicCalendarYear>>;

/** The calendar shipped with the code: what applies for a year no operator has published. */
export const BUNDLED_CALENDAR: PublicCalendar = Object.fromEntries(
  Object.keys(CN_PUBLIC_HOLIDAYS).map((year) => [
    Number(year),
    {
      holidays: [...(CN_PUBLIC_HOLIDAYS[Number(year)] ?? [])].sort(),
      workdays: [...(CN_MAKE_UP_WORKDAYS[Number(year)] ?? [])].sort(),
    },
  ]),
);

/**
 * Resolves the calendar for a config: sorted closed days and sorted make-up workdays. `publicCalendar` is
 * the merged bundled + published calendar (holiday-calendar.ts mergePublicCalendar); the tenant's own
 * overrides are applied last, so they beat it.
 */
export function resolveCalendar(
  hours: BusinessHours,
  publicCalendar: PublicCalendar = BUNDLED_CALENDAR,
): { holidays: string[]; workdays: string[] } {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  if (hours.useHolidayCalendar) {
    for (const year of Object.values(publicCalendar)) {
      for (const d of year.holidays) holidays.add(d);
      for (const d of year.workdays) workdays.add(d);
    }
  }
  for (const d of hours.extraWorkdays) {
    holidays.delete(d);
    workdays.add(d);
  }
  for (const d of hours.extraHolidays) {
    workdays.delete(d);
    holidays.add(d);
  }
  return { holidays: [...holidays].sort(), workdays: [...workdays].sort() };
}

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  readonly date: string;
  readonly weekday: Weekday;
  /** Minutes since local midnight. */
  readonly minutes: number;
}

const WEEKDAY_BY_ISO: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The wall-clock date, weekday and minute of an instant in an IANA zone. */
export function localTime(at: Date, timeZone: string): LocalTime {
  const clock = localClock(timeZone, at.getTime());
  return { date: clock.date, weekday: WEEKDAY_BY_ISO[clock.weekday - 1] ?? 'mon', minutes: clock.minutes };
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function parseClock(hhmm: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/.exec(hhmm);
  if (!m) return undefined;
  return hhmm === '24:00' ? 1440 : Number(m[1]) * 60 + Number(m[2]);
}

function inRanges(ranges: readonly TimeRange[] | undefined, minutes: number): boolean {
  if (!ranges) return false;
  return ranges.some((r) => {
    const open = parseClock(r.open);
    const close = parseClock(r.close);
    return open !== undefined && close !== undefined && minutes >= open && minutes < close;
  });
}

export interface CompiledHours {
  readonly timeZone: string;
  readonly weekly: Readonly<Partial<Record<Weekday, readonly TimeRange[]>>>;
  readonly holidays: readonly string[];
  readonly workdays: readonly string[];
  readonly makeUpDayHours: Weekday;
}

export type DayKind = 'holiday' | 'make_up_workday' | 'regular';

/** Whether the number is open at an instant, and what kind of day it is locally. */
export function openAt(hours: CompiledHours, at: Date): { open: boolean; day: DayKind; local: LocalTime } {
  const local = localTime(at, hours.timeZone);
  if (hours.holidays.includes(local.date)) return { open: false, day: 'holiday', local };
  if (hours.workdays.includes(local.date)) {
    return {
      open: inRanges(hours.weekly[hours.makeUpDayHours], local.minutes),
      day: 'make_up_workday',
      local,
    };
  }
  return { open: inRanges(hours.weekly[local.weekday], local.minutes), day: 'regular', local };
}

export { WEEKDAYS };
