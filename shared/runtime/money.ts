/**
 * The composition root of the account and calls API: the use cases of shared/app/calls and
 * shared/app/accounts built with the DynamoDB stores (ingest has its own root, ./ingest.ts), the notifications port, the clock in force and the business zone.
 * Handlers call these and nothing else; every store is built once per process, on first use.
 */

import { DynamoAccounts } from '../adapters/dynamo/account-store.js';
import { DynamoCalls } from '../adapters/dynamo/call-queries.js';
import { dynamoNumberStore } from '../adapters/dynamo/number-store.js';
import { DynamoUndeliveredAlerts } from '../adapters/dynamo/undelivered-alerts.js';
import { flushAlertOutbox } from '../app/accounts/flush-alert-outbox.js';
import { getAccount } from '../app/accounts/get-account.js';
import { listLedger } from '../app/accounts/list-ledger.js';
import { listUndeliveredAlerts } from '../app/accounts/list-undelivered-alerts.js';
import {
  reviewUndeliveredAlerts,
  type UndeliveredAlertsReviewQuery,
} from '../app/accounts/review-undelivered-alerts.js';
import { type AlertSettingsChange, setAlerts } from '../app/accounts/set-alerts.js';
import { setSpendCap } from '../app/accounts/set-spend-cap.js';
import { type DailyReportQuery, dailyReport } from '../app/calls/daily-report.js';
import { getCallRecording, type RecordingQuery } from '../app/calls/get-recording.js';
import { type ListCallsQuery, listCalls } from '../app/calls/list-calls.js';
import { alertDeps, businessZone, currentClock, ledger, publish } from './ledger.js';
import { port } from './ports.js';
import { refusalRateAt } from './tariffs.js';

export { businessZone, ledger, publish } from './ledger.js';

const accounts = new DynamoAccounts();
const calls = new DynamoCalls();
const numbers = dynamoNumberStore();
const undelivered = new DynamoUndeliveredAlerts(() => currentClock.now());

const settingsDeps = () => ({ accounts, zone: businessZone(), publishAlerts: publish, refusalRateAt });

export const money = {
  flushAlertOutbox: (limit?: number) => flushAlertOutbox(alertDeps, limit),
  getAccount: (tenantId: string, now: Date) =>
    getAccount({ ledger: ledger(), zone: businessZone(), refusalRateAt }, tenantId, now),
  listLedger: (tenantId: string, page: { limit?: number; cursor?: string }) =>
    listLedger({ ledger: ledger() }, tenantId, page),
  listUndeliveredAlerts: (tenantId: string, page: { limit?: number; cursor?: string }) =>
    listUndeliveredAlerts({ undelivered }, tenantId, page),
  reviewUndeliveredAlerts: (query: UndeliveredAlertsReviewQuery) =>
    reviewUndeliveredAlerts({ undelivered }, query),
  setSpendCap: (tenantId: string, dailyCap: number | null, now: Date) =>
    setSpendCap(settingsDeps(), tenantId, dailyCap, now),
  setAlerts: (tenantId: string, change: AlertSettingsChange, now: Date) =>
    setAlerts(settingsDeps(), tenantId, change, now),
  listCalls: (query: ListCallsQuery) => listCalls({ calls, accounts, numbers }, query),
  getCallRecording: (query: RecordingQuery) =>
    getCallRecording({ calls, recordings: () => port('recordings') }, query),
  dailyReport: (query: DailyReportQuery) =>
    dailyReport({ calls, accounts, numbers, zone: businessZone() }, query),
};
