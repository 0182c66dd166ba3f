/**
 * Request schemas of the calls-and-money area. Money is integer fen with sane bounds; query strings arrive
 * as strings and every object is strict, so an unknown field or parameter is a 400 naming it.
 */
import * as z from 'zod/mini';
import { PARK_CODES, PARKED_STATUSES } from '../../domain/calls/parked-records.js';
import { MAX_ADDRESS_BYTES } from '../../domain/notifications/channels.js';
import { MAINLAND_MOBILE_E164 } from '../../geo/mainland-mobile.js';
import { CHANNELS } from '../../ports/notifications.js';
import { calendarDate, cursorParam, fen, isoInstant, limitParam } from './common.js';
import type { RouteSchemas } from './types.js';

/** ¥100,000 in one top-up; larger amounts go through an operator. */
export const MAX_TOP_UP = 10_000_000;
/** ¥1,000,000 a day. */
export const MAX_DAILY_CAP = 100_000_000;

const instantParam = z.optional(isoInstant);
const dayParam = z.optional(calendarDate);
export const number400Param = z.string().check(z.regex(/^400\d{7}$/, 'a 10-digit 400 number'));

export const spendCapBody = z.strictObject({ dailyCap: z.nullable(fen(MAX_DAILY_CAP, 100)) });

export const alertsBody = z.strictObject({
  // No longer than SMTP carries (z.email() takes ASCII only: characters are bytes); the notifier sends no longer one.
  emails: z.optional(z.array(z.email().check(z.maxLength(MAX_ADDRESS_BYTES))).check(z.maxLength(5))),
  phones: z.optional(
    z
      .array(
        z
          .string()
          .check(
            z.regex(MAINLAND_MOBILE_E164, 'a mainland China mobile number in E.164 (+86 1xx xxxx xxxx)'),
          ),
      )
      .check(z.maxLength(5)),
  ),
  lowBalanceThreshold: z.optional(fen(MAX_TOP_UP, 0)),
});

export const ledgerQuery = z.strictObject({ limit: limitParam, cursor: cursorParam });

export const callsQuery = z.strictObject({
  number: number400Param,
  from: instantParam,
  to: instantParam,
  limit: limitParam,
  cursor: cursorParam,
});

/** Connect contact ids (UUIDs in practice; the SDK model allows 1–256 characters). */
export const callPath = z.strictObject({
  contactId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,256}$/, 'a Connect contact id')),
});

const recordingLink = z.object({
  contactId: z.string(),
  url: z.string().check(z.describe('Presigned HTTPS GET of the recording (WAV)')),
  expiresAt: z.string().check(z.describe('ISO-8601 instant: the link works until then (5 minutes)')),
});

export const dailyReportQuery = z.strictObject({
  number: z.optional(number400Param),
  from: dayParam,
  to: dayParam,
});

const accountView = z.object({
  balance: z.number(),
  owed: z.number(),
  status: z.enum(['active', 'arrears']),
  spendDay: z.string(),
  spendToday: z.number(),
  dailyCap: z.nullable(z.number()),
  capReachedToday: z.boolean(),
  callsRefusedFor: z.nullable(z.enum(['spend_cap', 'balance'])),
  plan: z.string(),
  alerts: z.object({
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    lowBalanceThreshold: z.number(),
  }),
});

// ------------------------------------------------------------------------- undelivered alerts

export const undeliveredAlertsQuery = z.strictObject({ limit: limitParam, cursor: cursorParam });

export const undeliveredAlertsReviewQuery = z.strictObject({
  tenantId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a tenant id'))),
  limit: limitParam,
  cursor: cursorParam,
});

const undeliveredAlert = {
  kind: z.string().check(z.describe('What the alert was about: low_balance, spend_cap_reached, arrears…')),
  template: z.string(),
  figures: z
    .record(z.string(), z.string())
    .check(z.describe('What the alert carried, as it reads (threshold, balance, cap…)')),
  stage: z
    .enum(['hand_over', 'provider'])
    .check(
      z.describe(
        '`provider`: the SMS or e-mail provider refused this recipient for good; `hand_over`: the whole alert was refused before it was sent',
      ),
    ),
  channel: z.nullable(z.enum(CHANNELS)),
  recipient: z.nullable(z.string()),
  refusedAt: z.string().check(z.describe('ISO-8601 instant')),
  code: z.string().check(z.describe("The refusal's code (the provider's, or invalid_message)")),
  reason: z.string(),
};

const undeliveredPage = <T extends z.ZodMiniType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.optional(z.string().check(z.describe('Pass as `cursor` for the next page'))),
  });

// ------------------------------------------------------------------------- parked records (operators)

export const parkedCallsQuery = z.strictObject({
  status: z.optional(z.enum(PARKED_STATUSES)),
  code: z.optional(z.enum(PARK_CODES)),
  number: z.optional(number400Param),
  limit: limitParam,
  cursor: cursorParam,
});

/** `reason` is required to dismiss (400 `reason_required`). */
export const parkedResolutionBody = z.strictObject({
  action: z.enum(['charge', 'dismiss']),
  reason: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
});

const instant = z.string().check(z.describe('ISO-8601 instant'));
const parkedCall = z.object({
  contactId: z.string(),
  code: z.enum(PARK_CODES),
  reason: z.string(),
  status: z.enum(PARKED_STATUSES),
  number: z.nullable(z.string()),
  accessNumber: z.nullable(z.string()),
  caller: z.nullable(z.string()),
  startedAt: instant,
  endedAt: z.nullable(instant),
  answered: z.nullable(z.boolean()),
  lastUpdatedAt: instant,
  parkedAt: instant,
  chargeable: z
    .boolean()
    .check(z.describe('False for records parked before the contact was kept with them: dismiss only')),
  resolution: z.nullable(
    z.object({
      status: z.enum(['charged', 'dismissed']),
      by: z.string(),
      at: instant,
      reason: z.optional(z.string()),
      tenantId: z.optional(z.string()),
      amount: z.optional(z.int().check(z.describe('Integer fen charged'))),
    }),
  ),
});

export const MONEY_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {
  getAccount: { response: accountView },
  createTopUp: { status: 410 },
  listLedger: { query: ledgerQuery },
  setSpendCap: { body: spendCapBody, response: accountView },
  setAlerts: { body: alertsBody, response: accountView },
  listUndeliveredAlerts: {
    query: undeliveredAlertsQuery,
    response: undeliveredPage(z.object(undeliveredAlert)),
  },
  listUndeliveredAlertsForReview: {
    query: undeliveredAlertsReviewQuery,
    response: undeliveredPage(z.object({ tenantId: z.string(), ...undeliveredAlert })),
  },
  listCalls: { query: callsQuery },
  getCallRecording: { path: callPath, response: recordingLink },
  dailyReport: { query: dailyReportQuery },
  listParkedCalls: {
    query: parkedCallsQuery,
    response: z.object({
      items: z.array(parkedCall),
      nextCursor: z.optional(z.string().check(z.describe('Pass as `cursor` for the next page'))),
    }),
  },
  getParkedCall: { path: callPath, response: parkedCall },
  resolveParkedCall: { path: callPath, body: parkedResolutionBody, response: parkedCall },
};
