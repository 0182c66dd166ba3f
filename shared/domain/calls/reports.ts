/**
 * Daily call reports from call records: volume per day, answered vs missed, duration distribution,
 * caller regions and busiest hours, all in the business time zone. Pure aggregation.
 */
import { localDay, localWeekdayHour } from '../zoned-time.js';
import type { CallRecord } from './call-record.js';
import { asOneCall, groupChains } from './chains.js';

export const DURATION_BUCKETS = [
  { label: '<30s', upTo: 30 },
  { label: '30s-1m', upTo: 60 },
  { label: '1-3m', upTo: 180 },
  { label: '3-5m', upTo: 300 },
  { label: '5-10m', upTo: 600 },
  { label: '10m+', upTo: Number.POSITIVE_INFINITY },
] as const;

export interface DailyRow {
  readonly day: string;
  readonly calls: number;
  readonly answered: number;
  readonly missed: number;
  readonly talkSeconds: number;
  readonly charge: number;
}

export interface DailyReport {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly days: readonly DailyRow[];
  readonly totals: Omit<DailyRow, 'day'>;
  /** Answered calls by talk time. */
  readonly durations: readonly { readonly bucket: string; readonly calls: number }[];
  readonly callerRegions: readonly { readonly region: string; readonly calls: number }[];
  /** Calls by local hour of the day, busiest first (hours without calls left out). */
  readonly busiestHours: readonly { readonly hour: number; readonly calls: number }[];
}

type ReportCall = Pick<CallRecord, 'startedAt' | 'missed' | 'durationSeconds' | 'amount' | 'callerRegion'> &
  Partial<Pick<CallRecord, 'contactId' | 'initialContactId'>>;

export function dailyReport(
  calls: Iterable<ReportCall>,
  from: string,
  to: string,
  zone: string,
): DailyReport {
  const days = new Map<
    string,
    { calls: number; answered: number; missed: number; talkSeconds: number; charge: number }
  >();
  // Every day in range appears, with zeros when quiet.
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000) {
    days.set(new Date(d).toISOString().slice(0, 10), {
      calls: 0,
      answered: 0,
      missed: 0,
      talkSeconds: 0,
      charge: 0,
    });
  }
  const durations = DURATION_BUCKETS.map(() => 0);
  const regions = new Map<string, number>();
  const hours = new Array<number>(24).fill(0);
  // A transfer chain counts once, on its first segment's day and hour (./chains.ts).
  for (const call of groupChains(calls).map((c) => asOneCall(c.segments))) {
    const ms = Date.parse(call.startedAt);
    const row = days.get(localDay(zone, ms));
    if (!row) continue;
    row.calls++;
    if (call.missed) row.missed++;
    else {
      row.answered++;
      row.talkSeconds += call.durationSeconds;
      const bucket = DURATION_BUCKETS.findIndex((b) => call.durationSeconds < b.upTo);
      durations[bucket] = (durations[bucket] ?? 0) + 1;
    }
    row.charge += call.amount;
    const region = call.callerRegion ?? 'unknown';
    regions.set(region, (regions.get(region) ?? 0) + 1);
    const { hour } = localWeekdayHour(zone, ms);
    hours[hour] = (hours[hour] ?? 0) + 1;
  }
  const rows = [...days.entries()].map(([day, r]) => ({ day, ...r }));
  const totals = rows.reduce(
    (t, r) => ({
      calls: t.calls + r.calls,
      answered: t.answered + r.answered,
      missed: t.missed + r.missed,
      talkSeconds: t.talkSeconds + r.talkSeconds,
      charge: t.charge + r.charge,
    }),
    { calls: 0, answered: 0, missed: 0, talkSeconds: 0, charge: 0 },
  );
  return {
    from,
    to,
    timeZone: zone,
    days: rows,
    totals,
    durations: DURATION_BUCKETS.map((b, i) => ({ bucket: b.label, calls: durations[i] ?? 0 })),
    callerRegions: [...regions.entries()]
      .map(([region, n]) => ({ region, calls: n }))
      .sort((a, b) => b.calls - a.calls || a.region.localeCompare(b.region)),
    busiestHours: hours
      .map((n, hour) => ({ hour, calls: n }))
      .filter((h) => h.calls > 0)
      .sort((a, b) => b.calls - a.calls || a.hour - b.hour),
  };
}
