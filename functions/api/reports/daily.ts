/** GET /v1/reports/daily?number=&from=&to= — daily call report (days in Asia/Shanghai, at most 31). */
import { readAccount } from '../../../shared/adapters/dynamo/account-store.js';
import { callsForReport } from '../../../shared/adapters/dynamo/call-queries.js';
import { businessZone } from '../../../shared/adapters/dynamo/ledger-store.js';
import { dailyReport } from '../../../shared/domain/calls/reports.js';
import { invalid } from '../../../shared/domain/errors.js';
import { localDay, zoneOffsetMs } from '../../../shared/domain/zoned-time.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { dailyReportQuery } from '../../../shared/http/schemas/money.js';

const MAX_DAYS = 31;

export const handler = apiHandler(
  'dailyReport',
  { query: dailyReportQuery },
  async ({ query, principal, now }) => {
    const tenantId = requireTenant(principal);
    const zone = businessZone();
    const to = query.to ?? localDay(zone, now.getTime());
    const from = query.from ?? localDay(zone, Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000);
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
    if (days < 1) throw invalid('invalid_range', 'from must not be after to', 'from');
    if (days > MAX_DAYS) throw invalid('range_too_long', `a report covers at most ${MAX_DAYS} days`, 'from');
    // Local day bounds → UTC instants for the index range.
    const startMs = Date.parse(`${from}T00:00:00Z`);
    const endMs = Date.parse(`${to}T00:00:00Z`) + 86_400_000;
    const fromIso = new Date(startMs - zoneOffsetMs(zone, startMs)).toISOString();
    const toIso = new Date(endMs - zoneOffsetMs(zone, endMs) - 1).toISOString();
    let numbers: string[];
    if (query.number) numbers = [query.number];
    else {
      const { item } = await readAccount(tenantId, to);
      numbers = Array.isArray(item?.callNumbers) ? (item.callNumbers as string[]) : [];
    }
    const calls = await callsForReport(tenantId, numbers, fromIso, toIso, now);
    return { body: { number: query.number ?? null, numbers, ...dailyReport(calls, from, to, zone) } };
  },
);
