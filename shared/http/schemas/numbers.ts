/**
 * Request schemas of the numbers area (inventory, reservations, lifecycle). Query strings arrive as strings;
 * every query object is strict, so an unknown parameter is a 400 naming it.
 */
import * as z from 'zod/mini';
import {
  APPLICANT_TYPES,
  DOCUMENT_KINDS,
  INDUSTRIES,
  REJECTION_REASONS,
} from '../../domain/numbers/applications.js';
import { SEGMENTS, TIER_IDS } from '../../domain/numbers/config.js';
import { calendarDate, cursorParam, limitParam } from './common.js';
import type { RouteSchemas } from './types.js';

export const numberPath = z.strictObject({
  number: z
    .string()
    .check(z.regex(/^400[1678]\d{6}$/, 'a 10-digit 400 number in segment 4001, 4006, 4007 or 4008')),
});

export const searchAvailableQuery = z.strictObject({
  segment: z.optional(z.enum(SEGMENTS)),
  tier: z.optional(z.enum(TIER_IDS)),
  contains: z.optional(
    z.string().check(z.regex(/^[0-9A-Za-z*]{1,10}$/, '1-10 digits, letters or * (any one digit)')),
  ),
  limit: limitParam,
  cursor: cursorParam,
});

export const pageQuery = z.strictObject({ limit: limitParam, cursor: cursorParam });

export const importNumbersBody = z.strictObject({
  numbers: z.array(z.string().check(z.maxLength(32))).check(z.minLength(1), z.maxLength(5000)),
});

export const transferBody = z.strictObject({
  toTenantId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a tenant id')),
});

/**
 * Accepting a transfer takes the recipient's approved qualification for this offer of the number (an
 * application filed while the offer was pending, with its documents, reviewed by an operator; one from an
 * earlier offer counts for nothing), whose reviewed applicant type sets the number's restrictions: the one
 * `qualificationApplicationId` names or, without it, the recipient's approved one for the offer (the most
 * recently decided). `applicantType`, if given, must match it; it never qualifies on its own.
 */
export const transferDecisionBody = z.strictObject({
  decision: z.enum(['accept', 'decline']),
  applicantType: z.optional(z.enum(APPLICANT_TYPES)),
  qualificationApplicationId: z.optional(
    z.string().check(z.regex(/^app_[0-9a-f-]{36}$/, 'your approved application for this offer')),
  ),
});

export const emptyBody = z.optional(z.strictObject({}));

export const applicationPath = z.strictObject({
  id: z.string().check(z.regex(/^app_[0-9a-f-]{36}$/, 'an application id')),
});

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const createApplicationBody = z.strictObject({
  number: z.string().check(z.regex(/^400[1678]\d{6}$/, 'a 10-digit 400 number')),
  applicantType: z.enum(APPLICANT_TYPES),
  applicantName: text(200),
  industry: z.enum(INDUSTRIES),
  intendedUsage: text(1000),
  expectedMonthlyMinutes: z.number().check(z.int(), z.minimum(0), z.maximum(10_000_000)),
  planId: text(64),
  termMonths: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(60))),
  autoRenew: z.optional(z.boolean()),
  filedByAgent: z.optional(z.boolean()),
});

export const addDocumentBody = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS),
  contentType: z.enum(['application/pdf', 'image/jpeg', 'image/png']),
  expiresOn: z.optional(calendarDate),
});

export const resubmissionBody = z.optional(
  z.strictObject({
    applicantName: z.optional(text(200)),
    industry: z.optional(z.enum(INDUSTRIES)),
    intendedUsage: z.optional(text(1000)),
    expectedMonthlyMinutes: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(10_000_000))),
  }),
);

export const decisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  reasons: z.optional(z.array(z.enum(REJECTION_REASONS)).check(z.minLength(1), z.maxLength(5))),
  text: z.optional(text(1000)),
});

export const NUMBER_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {
  searchAvailableNumbers: { query: searchAvailableQuery },
  reserveNumber: { path: numberPath, status: 201 },
  releaseReservation: { path: numberPath, status: 204 },
  importNumbers: { body: importNumbersBody },
  listMyNumbers: { query: pageQuery },
  getMyNumber: { path: numberPath },
  createApplication: { body: createApplicationBody, status: 201 },
  listApplications: { query: pageQuery },
  getApplication: { path: applicationPath },
  withdrawApplication: { path: applicationPath },
  addApplicationDocument: { path: applicationPath, body: addDocumentBody, status: 201 },
  submitApplication: { path: applicationPath },
  resubmitApplication: { path: applicationPath, body: resubmissionBody },
  listPendingApplications: { query: pageQuery },
  getApplicationForReview: { path: applicationPath },
  // 202 for an approval (the number's activation runs in a worker), 200 for a rejection.
  decideApplication: { path: applicationPath, body: decisionBody, status: 202, otherStatuses: [200] },
  suspendNumber: { path: numberPath },
  resumeNumber: { path: numberPath },
  requestCancellation: { path: numberPath, status: 202 },
  withdrawCancellation: { path: numberPath },
  requestTransfer: { path: numberPath, body: transferBody, status: 202 },
  decideTransfer: { path: numberPath, body: transferDecisionBody },
};
