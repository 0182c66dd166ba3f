/**
 * The published public-holiday calendar: what operators PUT for a year (the State Council's notice,
 * usually out in November or December for the next year), checked and normalised here, merged over the
 * bundled years (a published year replaces the bundled one whole), and stamped so every snapshot can say
 * which calendar it was compiled with. Pure: the store is shared/adapters/dynamo/holiday-calendar-store.ts.
 */

import { createHash } from 'node:crypto';
import { isCalendarDate } from '../calendar-date.js';
import { invalid } from '../errors.js';
import { BUNDLED_CALENDAR, type PublicCalendar } from './calendar.js';

export const CALENDAR_YEARS = { min: 2000, max: 2100 } as const;
/** Metric the holiday-calendar-check job emits each run: how many due years are missing (alarmed at >= 1). */
export const HOLIDAY_CALENDAR_MISSING_METRIC = 'HolidayCalendarMissingYears';
/** Generous bounds: a real year has about 30 closed days and 5-8 make-up workdays. */
export const CALENDAR_LIMITS = {
  holidays: 120,
  makeUpWorkdays: 40,
  noteChars: 500,
  sourceChars: 500,
} as const;

/** What an operator sends for one year. */
export interface CalendarYearInput {
  readonly holidays: readonly string[];
  readonly makeUpWorkdays: readonly string[];
  readonly note?: string;
  readonly source?: string;
}

/** A checked year: dates real, inside the year, sorted, no duplicates, no date in both lists. */
export interface CalendarYearContent {
  readonly year: number;
  readonly holidays: readonly string[];
  readonly makeUpWorkdays: readonly string[];
  readonly note?: string;
  readonly source?: string;
}

/** 0 = Sunday … 6 = Saturday (dates are plain calendar days, so UTC arithmetic is exact). */
const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

export function checkCalendarYear(year: number): number {
  if (!Number.isInteger(year) || year < CALENDAR_YEARS.min || year > CALENDAR_YEARS.max) {
    throw invalid(
      'invalid_year',
      `year is ${CALENDAR_YEARS.min}-${CALENDAR_YEARS.max}, not ${year}`,
      'year',
      CALENDAR_YEARS,
    );
  }
  return year;
}

/**
 * Checks one year's lists and returns them sorted and deduplicated. Each error names the offending field
 * and index (`holidays.3`), as the routing configuration's errors do.
 */
export function normaliseCalendarYear(year: number, input: CalendarYearInput): CalendarYearContent {
  checkCalendarYear(year);
  const lists = { holidays: input.holidays, makeUpWorkdays: input.makeUpWorkdays };
  for (const key of ['holidays', 'makeUpWorkdays'] as const) {
    const list = lists[key];
    if (list.length > CALENDAR_LIMITS[key])
      throw invalid('too_many', `at most ${CALENDAR_LIMITS[key]} dates`, key);
    for (const [i, date] of list.entries()) {
      const field = `${key}.${i}`;
      if (typeof date !== 'string' || !isCalendarDate(date))
        throw invalid('invalid_date', `${field}: a real date, YYYY-MM-DD`, field);
      if (!date.startsWith(`${year}-`))
        throw invalid('date_outside_year', `${field}: ${date} is not in ${year}`, field);
    }
  }
  if (input.holidays.length === 0)
    throw invalid('holidays_required', `a year has public holidays; send ${year}'s`, 'holidays');
  const holidays = [...new Set(input.holidays)].sort();
  const closed = new Set(holidays);
  for (const [i, date] of input.makeUpWorkdays.entries()) {
    const field = `makeUpWorkdays.${i}`;
    if (closed.has(date))
      throw invalid('date_in_both_lists', `${field}: ${date} is also listed as a holiday`, field);
    // A make-up workday (调休) is a weekend day worked; a weekday listed here is a typo for another date.
    const day = weekdayOf(date);
    if (day !== 0 && day !== 6)
      throw invalid('make_up_not_weekend', `${field}: ${date} is not a Saturday or Sunday`, field);
  }
  const note = input.note?.trim();
  const source = input.source?.trim();
  if (note !== undefined && note.length > CALENDAR_LIMITS.noteChars)
    throw invalid('invalid_note', `note is at most ${CALENDAR_LIMITS.noteChars} characters`, 'note');
  if (source !== undefined && source.length > CALENDAR_LIMITS.sourceChars)
    throw invalid('invalid_source', `source is at most ${CALENDAR_LIMITS.sourceChars} characters`, 'source');
  return {
    year,
    holidays,
    makeUpWorkdays: [...new Set(input.makeUpWorkdays)].sort(),
    ...(note ? { note } : {}),
    ...(source ? { source } : {}),
  };
}

/** Same content (what a no-op PUT compares): the lists, the note and the source. */
export function sameCalendarContent(a: CalendarYearContent, b: CalendarYearContent): boolean {
  return (
    a.year === b.year &&
    a.holidays.join(',') === b.holidays.join(',') &&
    a.makeUpWorkdays.join(',') === b.makeUpWorkdays.join(',') &&
    (a.note ?? '') === (b.note ?? '') &&
    (a.source ?? '') === (b.source ?? '')
  );
}

/** Bundled years, each replaced whole by the published year of the same number. */
export function mergePublicCalendar(
  published: readonly Pick<CalendarYearContent, 'year' | 'holidays' | 'makeUpWorkdays'>[],
  bundled: PublicCalendar = BUNDLED_CALENDAR,
): PublicCalendar {
  const merged: Record<number, { holidays: readonly string[]; workdays: readonly string[] }> = {
    ...bundled,
  };
  for (const y of published) {
    merged[y.year] = { holidays: [...y.holidays].sort(), workdays: [...y.makeUpWorkdays].sort() };
  }
  return merged;
}

/**
 * A short fingerprint of the whole public calendar. Stored on each snapshot compiled with it; the
 * holiday-recompile job recompiles every snapshot whose stamp differs from the current one.
 */
export function calendarStamp(calendar: PublicCalendar): string {
  const canonical = Object.keys(calendar)
    .map(Number)
    .sort((a, b) => a - b)
    .map((y) => {
      const year = calendar[y];
      return `${y}:${year?.holidays.join(',') ?? ''}|${year?.workdays.join(',') ?? ''}`;
    })
    .join(';');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export interface MissingCalendarYear {
  readonly year: number;
  /** `current`: calls this year already run on plain weekdays; `next`: from 1 December, due soon. */
  readonly when: 'current' | 'next';
}

/**
 * Years the calendar should have by `localDate` (YYYY-MM-DD in the business zone) and does not: the
 * current year always, the next one from 1 December (the State Council publishes in Nov/Dec).
 */
export function missingCalendarYears(calendar: PublicCalendar, localDate: string): MissingCalendarYear[] {
  const year = Number(localDate.slice(0, 4));
  const month = Number(localDate.slice(5, 7));
  const missing: MissingCalendarYear[] = [];
  if (!calendar[year]) missing.push({ year, when: 'current' });
  if (month === 12 && !calendar[year + 1]) missing.push({ year: year + 1, when: 'next' });
  return missing;
}
