import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import {
  BUNDLED_CALENDAR,
  CN_PUBLIC_HOLIDAYS,
  openAt,
  resolveCalendar,
} from '../../shared/domain/routing/calendar.js';
import { compileRouting, normaliseConfig } from '../../shared/domain/routing/config.js';
import { hoursSpec } from '../../shared/domain/routing/connect-plan.js';
import { decideCall } from '../../shared/domain/routing/decision.js';
import {
  type CalendarYearInput,
  calendarStamp,
  checkCalendarYear,
  mergePublicCalendar,
  missingCalendarYears,
  normaliseCalendarYear,
  sameCalendarContent,
} from '../../shared/domain/routing/holiday-calendar.js';
import { ENTERPRISE_INPUT, HEALTHY_ACCOUNT, testRegionOf } from './routing-fixtures.js';

/** A test calendar for 2027 (the real one is the State Council's; these dates only need to be plausible). */
const Y2027: CalendarYearInput = {
  holidays: ['2027-10-03', '2027-10-01', '2027-10-02', '2027-01-01', '2027-10-01'],
  makeUpWorkdays: ['2027-10-09', '2027-09-26'],
  note: '  test notice  ',
};

function errorOf(fn: () => unknown): DomainError | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

describe('publishing a calendar year: validation', () => {
  it('sorts and deduplicates the lists and trims the note', () => {
    expect(normaliseCalendarYear(2027, Y2027)).toEqual({
      year: 2027,
      holidays: ['2027-01-01', '2027-10-01', '2027-10-02', '2027-10-03'],
      makeUpWorkdays: ['2027-09-26', '2027-10-09'],
      note: 'test notice',
    });
  });

  it.each([
    [
      'a date outside the year',
      { ...Y2027, holidays: ['2027-01-01', '2028-01-01'] },
      'holidays.1',
      'date_outside_year',
    ],
    ['an impossible date', { ...Y2027, holidays: ['2027-02-30'] }, 'holidays.0', 'invalid_date'],
    ['a malformed date', { ...Y2027, makeUpWorkdays: ['2027-9-26'] }, 'makeUpWorkdays.0', 'invalid_date'],
    [
      'a make-up workday outside the year',
      { ...Y2027, makeUpWorkdays: ['2026-12-26'] },
      'makeUpWorkdays.0',
      'date_outside_year',
    ],
    [
      'a date in both lists',
      { ...Y2027, makeUpWorkdays: ['2027-09-26', '2027-10-02'] },
      'makeUpWorkdays.1',
      'date_in_both_lists',
    ],
    [
      'a make-up workday on a weekday',
      { ...Y2027, makeUpWorkdays: ['2027-09-27'] },
      'makeUpWorkdays.0',
      'make_up_not_weekend',
    ],
    ['no holidays at all', { ...Y2027, holidays: [] }, 'holidays', 'holidays_required'],
  ])('refuses %s, naming the field', (_what, input, field, code) => {
    const error = errorOf(() => normaliseCalendarYear(2027, input as CalendarYearInput));
    expect(error?.kind).toBe('validation');
    expect(error?.field).toBe(field);
    expect(error?.code).toBe(code);
  });

  it('accepts years 2000-2100 only', () => {
    expect(checkCalendarYear(2000)).toBe(2000);
    expect(checkCalendarYear(2100)).toBe(2100);
    for (const year of [1999, 2101, 2027.5])
      expect(errorOf(() => checkCalendarYear(year))?.field).toBe('year');
  });

  it('property: accepted output is sorted, unique, inside the year and the two lists never share a date', () => {
    const dayOf = (year: number, n: number) =>
      new Date(Date.UTC(year, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2100 }),
        fc.array(fc.integer({ min: 0, max: 364 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 364 }), { maxLength: 10 }),
        (year, h, w) => {
          const input = {
            holidays: h.map((n) => dayOf(year, n)),
            makeUpWorkdays: w.map((n) => dayOf(year, n)),
          };
          const error = errorOf(() => normaliseCalendarYear(year, input));
          if (error) {
            expect(error.field).toMatch(/^(holidays|makeUpWorkdays)(\.\d+)?$/);
            return;
          }
          const out = normaliseCalendarYear(year, input);
          for (const list of [out.holidays, out.makeUpWorkdays]) {
            expect([...list]).toEqual([...new Set(list)].sort());
            for (const d of list) expect(d.startsWith(`${year}-`)).toBe(true);
          }
          expect(out.holidays.filter((d) => out.makeUpWorkdays.includes(d))).toEqual([]);
          expect(new Set(out.holidays)).toEqual(new Set(input.holidays));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the same content compares equal whatever the input order', () => {
    const a = normaliseCalendarYear(2027, Y2027);
    const b = normaliseCalendarYear(2027, { ...Y2027, holidays: [...Y2027.holidays].reverse() });
    expect(sameCalendarContent(a, b)).toBe(true);
    expect(sameCalendarContent(a, { ...b, source: 'gov.cn' })).toBe(false);
  });
});

describe('merge order: bundled < published < tenant', () => {
  const hours = normaliseConfig(ENTERPRISE_INPUT).businessHours;

  it('keeps the bundled years when nothing is published', () => {
    expect(mergePublicCalendar([])).toEqual(BUNDLED_CALENDAR);
    expect(resolveCalendar(hours, mergePublicCalendar([])).holidays).toEqual(resolveCalendar(hours).holidays);
  });

  it('a published year replaces the bundled one whole and adds new years', () => {
    const corrected2026 = { year: 2026, holidays: ['2026-10-01', '2026-10-09'], makeUpWorkdays: [] };
    const merged = mergePublicCalendar([corrected2026, normaliseCalendarYear(2027, Y2027)]);
    expect(merged[2026]).toEqual({ holidays: ['2026-10-01', '2026-10-09'], workdays: [] });
    expect(merged[2025]).toEqual(BUNDLED_CALENDAR[2025]);
    const cal = resolveCalendar({ ...hours, extraHolidays: [] }, merged);
    // A bundled-only 2026 date is gone, the published ones are in, 2027 is there.
    expect(CN_PUBLIC_HOLIDAYS[2026]).toContain('2026-10-02');
    expect(cal.holidays).not.toContain('2026-10-02');
    expect(cal.holidays).toEqual(expect.arrayContaining(['2026-10-09', '2027-10-01', '2025-10-01']));
    expect(cal.workdays).toContain('2027-10-09');
    expect(cal.workdays).not.toContain('2026-10-10');
  });

  it("the tenant's overrides beat a published year", () => {
    const merged = mergePublicCalendar([normaliseCalendarYear(2027, Y2027)]);
    const cal = resolveCalendar(
      { ...hours, extraWorkdays: ['2027-10-02'], extraHolidays: ['2027-10-09', '2027-12-24'] },
      merged,
    );
    expect(cal.holidays).not.toContain('2027-10-02');
    expect(cal.workdays).toContain('2027-10-02');
    expect(cal.holidays).toEqual(expect.arrayContaining(['2027-10-09', '2027-12-24', '2027-10-01']));
    expect(cal.workdays).not.toContain('2027-10-09');
  });

  it('a config that does not use the calendar keeps only its own closed days', () => {
    const merged = mergePublicCalendar([normaliseCalendarYear(2027, Y2027)]);
    const cal = resolveCalendar(
      { ...hours, useHolidayCalendar: false, extraHolidays: ['2027-05-05'] },
      merged,
    );
    expect(cal).toEqual({ holidays: ['2027-05-05'], workdays: [] });
  });

  it('compile and the Connect hours use the calendar they are given', () => {
    const config = normaliseConfig(ENTERPRISE_INPUT);
    const merged = mergePublicCalendar([normaliseCalendarYear(2027, Y2027)]);
    expect(compileRouting(config).holidays).not.toContain('2027-10-01');
    expect(compileRouting(config, {}, merged).holidays).toContain('2027-10-01');
    const closures = hoursSpec('4008123456', config, merged).closures;
    expect(closures).toContainEqual({ name: 'closed-2027-10-01', from: '2027-10-01', till: '2027-10-03' });
  });
});

describe('calendar stamp', () => {
  it('is stable for the same calendar and changes with any date', () => {
    const a = mergePublicCalendar([normaliseCalendarYear(2027, Y2027)]);
    const again = mergePublicCalendar([normaliseCalendarYear(2027, { ...Y2027, note: 'other note' })]);
    expect(calendarStamp(a)).toBe(calendarStamp(again));
    const moved = mergePublicCalendar([
      normaliseCalendarYear(2027, { ...Y2027, makeUpWorkdays: ['2027-10-09'] }),
    ]);
    expect(calendarStamp(moved)).not.toBe(calendarStamp(a));
    expect(calendarStamp(BUNDLED_CALENDAR)).not.toBe(calendarStamp(a));
    expect(calendarStamp(a)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('a year with no calendar', () => {
  // 2027-10-01 is a Friday: national day if 2027 is known, a plain weekday if not.
  const FRIDAY_10AM_2027 = new Date('2027-10-01T02:00:00Z');
  const decide = (routing: ReturnType<typeof compileRouting>) =>
    decideCall(
      { caller: '+862161234567', contactId: 'c-1', step: 'start', now: FRIDAY_10AM_2027 },
      {
        snapshot: { number400: '4008123456', tenantId: 'acme', numberStatus: 'active', routing },
        account: HEALTHY_ACCOUNT,
        regionOf: testRegionOf,
        ratePerMinute: 30,
      },
    );

  it('routes on plain weekdays: open in business hours, no holiday, no error', () => {
    const routing = compileRouting(normaliseConfig(ENTERPRISE_INPUT));
    expect(openAt(routing, FRIDAY_10AM_2027)).toMatchObject({ open: true, day: 'regular' });
    const decision = decide(routing);
    expect(decision.dayKind).toBe('regular');
    expect(decision.reason).not.toBe('holiday');
    expect(decision.action).not.toBe('error');
  });

  it('closes for the holiday once the year is published', () => {
    const merged = mergePublicCalendar([normaliseCalendarYear(2027, Y2027)]);
    const routing = compileRouting(normaliseConfig(ENTERPRISE_INPUT), {}, merged);
    expect(decide(routing)).toMatchObject({ reason: 'holiday', dayKind: 'holiday' });
  });

  it('is reported: the current year always, the next one from 1 December', () => {
    expect(missingCalendarYears(BUNDLED_CALENDAR, '2026-11-25')).toEqual([]);
    expect(missingCalendarYears(BUNDLED_CALENDAR, '2026-12-01')).toEqual([{ year: 2027, when: 'next' }]);
    expect(missingCalendarYears(BUNDLED_CALENDAR, '2027-01-04')).toEqual([{ year: 2027, when: 'current' }]);
    expect(missingCalendarYears(BUNDLED_CALENDAR, '2027-12-01')).toEqual([
      { year: 2027, when: 'current' },
      { year: 2028, when: 'next' },
    ]);
    const with2027 = mergePublicCalendar([normaliseCalendarYear(2027, Y2027)]);
    expect(missingCalendarYears(with2027, '2026-12-31')).toEqual([]);
  });
});
