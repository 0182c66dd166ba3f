import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localClock, localDay, nextLocalMidnight, startOfLocalDay } from '../../shared/domain/zoned-time.js';

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Asia/Kolkata', 'Europe/London', 'UTC'];
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2032, 0, 1) });

/** What Intl itself says, field by field: the reference the cached offsets must agree with. */
function intlClock(zone: string, epochMs: number) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(epochMs))
      .map((p) => [p.type, p.value]),
  );
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday as string) + 1;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

describe('zoned time (the one implementation routing, rating, caps and billing use)', () => {
  it('agrees with Intl for any instant in zones with and without DST or whole-hour offsets', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, (zone, at) => {
        expect(localClock(zone, at)).toEqual(intlClock(zone, at));
        expect(localDay(zone, at)).toBe(intlClock(zone, at).date);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds the instant a local day starts, and the next local midnight', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, (zone, at) => {
        const day = localDay(zone, at);
        const start = startOfLocalDay(zone, day);
        expect(start).toBeLessThanOrEqual(at);
        expect(localClock(zone, start)).toMatchObject({ date: day, minutes: 0 });
        const next = nextLocalMidnight(zone, at);
        expect(next).toBeGreaterThan(at);
        expect(localClock(zone, next).minutes).toBe(0);
        expect(localDay(zone, next - 1)).toBe(day);
      }),
      { numRuns: 1000 },
    );
  });

  it('puts Shanghai midnight at 16:00 UTC (the daily cap resets there)', () => {
    expect(localDay('Asia/Shanghai', Date.parse('2026-11-25T15:59:59Z'))).toBe('2026-11-25');
    expect(localDay('Asia/Shanghai', Date.parse('2026-11-25T16:00:00Z'))).toBe('2026-11-26');
  });
});
