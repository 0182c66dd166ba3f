/**
 * Which contact records may be charged at an instant. Parked (kept for review, never charged, never
 * counted toward a spend day) are:
 * - a record that starts more than FUTURE_TOLERANCE_MS after the ingest instant (a clock gone wrong
 *   would otherwise move the account's spend day forward and switch today's cap off);
 * - a record of a month whose statement is closed beyond the correction window. The correction window:
 *   a month's records are charged until the end of the FOLLOWING month (business zone). The statement of
 *   month M is issued on the 1st of M+1; entries dated in M that arrive during M+1 appear on M+1's
 *   statement as its "late entries" line (shared/domain/billing/statement.ts); a record of M arriving
 *   in M+2 or later would appear on no statement, so it is parked.
 * Both come with a stable code and a text for whoever reviews them.
 */
import { localMonth, startOfLocalDay } from '../zoned-time.js';

export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface ParkReason {
  readonly code: 'starts_in_future' | 'month_closed' | 'no_owner_at_start';
  readonly reason: string;
}

const previousMonthOf = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

/** The bounds at an ingest instant, computed once for a batch: a check per record is two comparisons. */
export function timeBoundsAt(nowMs: number, zone: string): (startedMs: number) => ParkReason | undefined {
  const oldestOpen = previousMonthOf(localMonth(zone, nowMs));
  const openFromMs = startOfLocalDay(zone, `${oldestOpen}-01`);
  const latestMs = nowMs + FUTURE_TOLERANCE_MS;
  return (startedMs) => {
    if (startedMs > latestMs)
      return {
        code: 'starts_in_future',
        reason: `starts ${new Date(startedMs).toISOString()}, more than 5 minutes after the ingest instant ${new Date(nowMs).toISOString()}`,
      };
    if (startedMs < openFromMs)
      return {
        code: 'month_closed',
        reason: `belongs to ${localMonth(zone, startedMs)}, whose statement closed beyond the correction window (records of a month are charged until the end of the next month)`,
      };
    return undefined;
  };
}

export function outOfTimeBounds(startedMs: number, nowMs: number, zone: string): ParkReason | undefined {
  return timeBoundsAt(nowMs, zone)(startedMs);
}
