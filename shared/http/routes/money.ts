import { TENANT_READ, TENANT_WRITE } from '../roles.js';
import type { RouteDefinition } from '../routes.js';

const ACCOUNT = 'account';
const CALLS = 'calls';

export const MONEY_ROUTES: readonly RouteDefinition[] = [
  {
    id: 'getAccount',
    method: 'GET',
    path: '/v1/account',
    entry: 'functions/api/account/get.ts',
    roles: TENANT_READ,
    tables: { ledger: 'read' },
    rateLimit: 'read',
    summary: "The tenant's prepaid account: balance, today's spend, daily cap, plan, alert settings",
    tag: ACCOUNT,
  },
  {
    id: 'createTopUp',
    method: 'POST',
    path: '/v1/account/top-ups',
    entry: 'functions/api/account/top-up.ts',
    roles: TENANT_WRITE,
    tables: {},
    rateLimit: 'write',
    summary:
      'Retired (410): money comes in through POST /v1/payments (a verified payment) or an operator credit',
    tag: ACCOUNT,
  },
  {
    id: 'listLedger',
    method: 'GET',
    path: '/v1/account/ledger',
    entry: 'functions/api/account/ledger.ts',
    roles: TENANT_READ,
    tables: { ledger: 'read' },
    rateLimit: 'read',
    capabilities: ['cursors'],
    summary: 'Ledger entries, newest first (charges, top-ups, fees, refunds, adjustments), paginated',
    tag: ACCOUNT,
  },
  {
    id: 'setSpendCap',
    method: 'PUT',
    path: '/v1/account/spend-cap',
    entry: 'functions/api/account/spend-cap.ts',
    roles: TENANT_WRITE,
    tables: { ledger: 'write' },
    rateLimit: 'write',
    summary: 'Set or clear the daily spend cap (fen; resets at midnight Asia/Shanghai)',
    tag: ACCOUNT,
  },
  {
    id: 'setAlerts',
    method: 'PUT',
    path: '/v1/account/alerts',
    entry: 'functions/api/account/alerts.ts',
    roles: TENANT_WRITE,
    tables: { ledger: 'write' },
    rateLimit: 'write',
    summary: 'Alert e-mail addresses, SMS numbers and the low-balance threshold',
    tag: ACCOUNT,
  },
  {
    id: 'listCalls',
    method: 'GET',
    path: '/v1/calls',
    entry: 'functions/api/calls/list.ts',
    roles: TENANT_READ,
    tables: { ledger: 'read' },
    rateLimit: 'read',
    capabilities: ['cursors'],
    summary: 'Call records of a number in a time range, newest first, paginated',
    tag: CALLS,
  },
  {
    id: 'dailyReport',
    method: 'GET',
    path: '/v1/reports/daily',
    entry: 'functions/api/reports/daily.ts',
    roles: TENANT_READ,
    tables: { ledger: 'read' },
    rateLimit: 'read',
    summary:
      'Daily call report for a number or the whole tenant: volume, answered/missed, durations, regions, busiest hours',
    tag: CALLS,
  },
];
