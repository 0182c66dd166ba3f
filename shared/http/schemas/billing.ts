import * as z from 'zod/mini';
import { isoInstant } from './common.js';
import type { RouteSchemas } from './types.js';

const month = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM'));
const limit = z.optional(z.string().check(z.regex(/^([1-9]\d?|100)$/, 'an integer from 1 to 100')));
const cursor = z.optional(z.string().check(z.maxLength(2048)));
const instant = isoInstant;
const number400 = z.string().check(z.regex(/^400\d{7}$/, 'a 400 number such as 4008123456'));

export const listStatementsQuery = z.strictObject({ limit, cursor });
export const statementPath = z.strictObject({ month });
export const statementQuery = z.strictObject({ format: z.optional(z.enum(['json', 'csv'])) });

const statementSummary = z.object({
  month: z.string(),
  openingBalance: z.int(),
  closingBalance: z.int(),
  totalDebits: z.int(),
  totalCredits: z.int(),
  generatedAt: z.string(),
});

const statement = z.object({
  tenantId: z.string(),
  month: z.string(),
  timeZone: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  openingBalance: z.int(),
  closingBalance: z.int(),
  totalDebits: z.int(),
  totalCredits: z.int(),
  entryCount: z.int(),
  generatedAt: z.string(),
  lines: z.array(
    z.object({
      kind: z.string(),
      description: z.string(),
      amount: z.int(),
      count: z.int(),
      number: z.optional(z.string()),
      at: z.optional(z.string()),
      key: z.optional(z.string()),
    }),
  ),
  usage: z.array(z.object({ number: z.string(), calls: z.int(), billedSeconds: z.int(), charges: z.int() })),
});

export const createIncidentBody = z.strictObject({
  /** Client-chosen id: recording the same incident twice is harmless. */
  incidentId: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and -')),
  ),
  startAt: instant,
  endAt: instant,
  numbers: z.union([z.literal('all'), z.array(number400).check(z.minLength(1), z.maxLength(1000))]),
  description: z.string().check(z.minLength(1), z.maxLength(500)),
});
export const listIncidentsQuery = z.strictObject({ limit, cursor });

const incident = z.object({
  incidentId: z.string(),
  startAt: z.string(),
  endAt: z.string(),
  numbers: z.union([z.literal('all'), z.array(z.string())]),
  description: z.string(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});

const fen = z.int().check(z.minimum(0), z.maximum(100_000_000));
/** ¥10 a minute at most. */
const perMinute = z.int().check(z.minimum(0), z.maximum(1_000));
export const scheduleTariffBody = z.strictObject({
  planId: z.string().check(z.regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a plan id such as business')),
  /** First day of a month at least 30 days after today (Asia/Shanghai). */
  effectiveFrom: z
    .string()
    .check(z.regex(/^\d{4}-(0[1-9]|1[0-2])-01$/, 'the first day of a month, YYYY-MM-01')),
  monthlyRent: z.optional(fen),
  minimumSpend: z.optional(fen),
  retentionFee: z.optional(fen),
  /** New per-minute prices (fen) of the plan by segment; quotes and rating use them from effectiveFrom. */
  rates: z.optional(
    z.record(
      z.string().check(z.regex(/^400\d$/, 'a segment such as 4008')),
      z.strictObject({ localPerMinute: perMinute, longDistancePerMinute: perMinute }),
    ),
  ),
  description: z.optional(z.string().check(z.maxLength(500))),
});

const tariff = z.object({
  planId: z.string(),
  effectiveFrom: z.string(),
  monthlyRent: z.optional(z.int()),
  minimumSpend: z.optional(z.int()),
  retentionFee: z.optional(z.int()),
  rates: z.optional(
    z.record(z.string(), z.object({ localPerMinute: z.int(), longDistancePerMinute: z.int() })),
  ),
  description: z.string(),
  scheduledAt: z.string(),
  scheduledBy: z.string(),
  noticeState: z.enum(['pending', 'done']),
  notifiedAt: z.optional(z.string()),
});

/** OpenAPI schemas of this area's routes, by route id (the handlers import the same schema objects). */
export const BILLING_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {
  listStatements: {
    query: listStatementsQuery,
    response: z.object({ items: z.array(statementSummary), nextCursor: z.optional(z.string()) }),
  },
  getStatement: { path: statementPath, query: statementQuery, response: statement },
  createIncident: { body: createIncidentBody, response: incident, status: 201 },
  listIncidents: {
    query: listIncidentsQuery,
    response: z.object({ items: z.array(incident), nextCursor: z.optional(z.string()) }),
  },
  scheduleTariff: { body: scheduleTariffBody, response: tariff, status: 201 },
  listTariffs: { response: z.object({ items: z.array(tariff) }) },
};
