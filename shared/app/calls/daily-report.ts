/**
 * Primary course: a daily call report over local days (business zone, at most 31), for one number or every
 * number the tenant has calls on; the range defaults to the last 7 days. Variations: `from` after `to`,
 * or a range too long, are 400s; a number the tenant neither holds nor has calls on is a 404.
 */
import { dailyReport as aggregate } from '../../domain/calls/reports.js';
import { invalid } from '../../domain/errors.js';
import { localDay, zoneOffsetMs } from '../../domain/zoned-time.js';
import type { AccountsPort } from '../../ports/accounts.js';
import type { CallsPort } from '../../ports/calls.js';
import { type ReadableNumberDeps, requireReadableNumber } from './readable-number.js';

const MAX_DAYS = 31;
const DAY_MS = 86_400_000;

export interface DailyReportQuery {
  readonly tenantId: string;
  readonly number?: string;
  /** Local days YYYY-MM-DD, inclusive. */
  readonly from?: string;
  readonly to?: string;
  readonly now: Date;
}

export async function dailyReport(
  deps: {
    readonly calls: CallsPort;
    readonly accounts: AccountsPort;
    readonly numbers: ReadableNumberDeps['numbers'];
    readonly zone: string;
  },
  query: DailyReportQuery,
) {
  const { zone } = deps;
  const to = query.to ?? localDay(zone, query.now.getTime());
  const from = query.from ?? localDay(zone, Date.parse(`${to}T00:00:00Z`) - 6 * DAY_MS);
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days < 1) throw invalid('invalid_range', 'from must not be after to', 'from');
  if (days > MAX_DAYS) throw invalid('range_too_long', `a report covers at most ${MAX_DAYS} days`, 'from');
  // Local day bounds → UTC instants for the index range.
  const startMs = Date.parse(`${from}T00:00:00Z`);
  const endMs = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
  const fromIso = new Date(startMs - zoneOffsetMs(zone, startMs)).toISOString();
  const toIso = new Date(endMs - zoneOffsetMs(zone, endMs) - 1).toISOString();
  if (query.number) await requireReadableNumber(deps, query.tenantId, query.number, query.now);
  const numbers = query.number ? [query.number] : await deps.accounts.callNumbers(query.tenantId);
  const calls = [];
  for (const number of numbers)
    calls.push(
      ...(await deps.calls.forReport({
        tenantId: query.tenantId,
        number,
        from: fromIso,
        to: toIso,
        now: query.now,
      })),
    );
  return { number: query.number ?? null, numbers, ...aggregate(calls, from, to, zone) };
}
