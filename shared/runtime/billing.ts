/**
 * The composition root of billing's API use cases (statements, incidents, tariffs), built with the
 * DynamoDB stores. The scheduled jobs and the worker are composed in ./billing-jobs.ts, so an API handler's
 * bundle carries no queue, ledger or numbers code.
 */
import { dynamoBillingContracts } from '../adapters/dynamo/billing-contracts.js';
import { dynamoBillingRuns } from '../adapters/dynamo/billing-runs.js';
import { dynamoTariffs } from '../adapters/dynamo/billing-tariffs.js';
import { dynamoIncidents } from '../adapters/dynamo/incident-store.js';
import { dynamoBillingLedgerReads, dynamoStatements } from '../adapters/dynamo/statement-store.js';
import { getStatement } from '../app/billing/get-statement.js';
import { listIncidents } from '../app/billing/list-incidents.js';
import { listStatements } from '../app/billing/list-statements.js';
import { listTariffs } from '../app/billing/list-tariffs.js';
import { type RecordIncidentRequest, recordIncident } from '../app/billing/record-incident.js';
import { type ScheduleTariffRequest, scheduleTariff } from '../app/billing/schedule-tariff.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../config.js';
import type { BillingMonth } from '../domain/billing/calendar.js';

/** The stores billing runs on (tests read and seed through them too). */
export const billingStores = {
  runs: dynamoBillingRuns,
  contracts: dynamoBillingContracts,
  statements: dynamoStatements,
  ledgerReads: dynamoBillingLedgerReads,
  tariffs: dynamoTariffs,
  incidents: dynamoIncidents,
} as const;

export const billingZone = () => optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE);

export const billing = {
  scheduleTariff: (request: ScheduleTariffRequest, scheduledBy: string, now: Date) =>
    scheduleTariff(billingStores, request, { scheduledBy, now, zone: billingZone() }),

  listTariffs: () => listTariffs(billingStores),

  getStatement: (tenantId: string, month: BillingMonth) => getStatement(billingStores, tenantId, month),

  listStatements: (tenantId: string, page: { limit: number; cursor?: string | undefined }) =>
    listStatements(billingStores, tenantId, page),

  recordIncident: (request: RecordIncidentRequest, recordedBy: string, now: Date) =>
    recordIncident(billingStores, request, { recordedBy, now }),

  listIncidents: (page: { limit: number; cursor?: string | undefined }) => listIncidents(billingStores, page),
};
