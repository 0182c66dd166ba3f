/**
 * Success response shapes of the routes whose area schema file names none, derived from what their
 * handlers return (functions/api/**) through the stores they call. For the OpenAPI document only: handlers
 * do not validate their output. Objects are open (`z.object`): a field added later is not a breaking change.
 */
import * as z from 'zod/mini';
import {
  APPLICANT_TYPES,
  APPLICATION_STATUSES,
  DOCUMENT_KINDS,
  INDUSTRIES,
  REJECTION_REASONS,
} from '../../domain/numbers/applications.js';
import { idempotencyKeyPattern } from './payments.js';
import { uploadForm } from './upload-form.js';

const page = <T extends z.ZodMiniType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.optional(
      z.string().check(z.describe('Pass as `cursor` for the next page; absent on the last')),
    ),
  });
const money = z.int().check(z.describe('Integer fen (¥0.01)'));
const instant = z.string().check(z.describe('ISO-8601 instant'));

// ------------------------------------------------------------------------------------------ numbers

const numberView = z.object({
  number: z.string(),
  segment: z.string(),
  tier: z.string(),
  selectionFee: money,
  status: z.string(),
  holdExpiresAt: z.optional(instant),
  applicationId: z.optional(z.string()),
  accessNumber: z.optional(z.string()),
  restrictions: z.optional(
    z.object({ noMultiLevelTransfer: z.boolean(), recordingAnnouncementRequired: z.boolean() }),
  ),
  contractId: z.optional(z.string()),
  planId: z.optional(z.string()),
  retentionEndsAt: z.optional(instant),
  arrearsRestoreBy: z.optional(instant),
  cancellationEffectiveAt: z.optional(instant),
  transferTo: z.optional(z.string()),
  transferOfferId: z.optional(
    z.string().check(z.describe('The pending transfer offer; the recipient qualifies for this offer only')),
  ),
  updatedAt: instant,
});

const numberDetail = z.object({
  ...numberView.shape,
  history: z.array(
    z.object({
      at: instant,
      from: z.string(),
      to: z.string(),
      command: z.string(),
      actor: z.string(),
      note: z.optional(z.string()),
    }),
  ),
});

/** A plan's per-minute prices as rating charges them (shared/domain/rating/price-list.ts). */
const planPrice = z.object({
  tariffVersion: z.string(),
  timeZone: z.string(),
  localPerMinute: money,
  longDistancePerMinute: money,
  includedMinutes: z.int(),
  incrementSeconds: z.int(),
  connectFee: money,
  recordingPerMinute: money,
  ivrPerCall: money,
  offPeak: z.array(
    z.object({
      name: z.string(),
      weekdays: z.array(z.int()),
      fromHour: z.int(),
      toHour: z.int(),
      discountPercent: z.int(),
      localPerMinute: money,
      longDistancePerMinute: money,
    }),
  ),
});

/** A change a stored tariff version already schedules for a quoted plan: only the prices it changes. */
const scheduledChange = z.object({
  effectiveFrom: z.string().check(z.describe('First day (YYYY-MM-01, the tariff zone) the prices apply')),
  monthlyRent: z.optional(money),
  minimumMonthlySpend: z.optional(money),
  retentionFeePerMonth: z.optional(money),
  perMinute: z.optional(z.object({ localPerMinute: money, longDistancePerMinute: money })),
});

/** A plan as quoted (shared/domain/numbers/quote.ts): terms and prices in force, and the changes scheduled. */
const planQuote = z.object({
  id: z.string(),
  name: z.string(),
  monthlyRent: money,
  includedMinutes: z.int(),
  minimumMonthlySpend: money,
  retentionFeePerMonth: z.optional(money),
  perMinute: planPrice,
  scheduledChanges: z.array(scheduledChange),
});

const availableNumber = z.object({
  number: z.string(),
  segment: z.string(),
  carrier: z.string(),
  tier: z.string(),
  tierLabel: z.string(),
  pattern: z.optional(z.string()),
  price: z.object({
    currency: z.literal('CNY'),
    selectionFee: money,
    firstTopUp: money,
    openingFee: money,
    plans: z.array(planQuote),
  }),
});

const hold = z.object({ number: z.string(), tenantId: z.string(), holdExpiresAt: instant });

const importReport = z.object({
  imported: z.int(),
  duplicates: z.array(z.string()),
  importedNumbers: z.array(z.string()),
});

const transferDecision = z.union([
  z.object({ number: z.string(), status: z.string(), transferred: z.literal(false) }),
  z.object({ ...numberView.shape, transferred: z.literal(true) }),
]);

// ------------------------------------------------------------------------------------- applications

const applicationDocument = z.object({
  documentId: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  contentType: z.string(),
  expiresOn: z.optional(z.string()),
  uploaded: z.boolean(),
  sha256: z.optional(
    z.string().check(z.describe('SHA-256 (hex) of the version frozen at submission: what reviewers read')),
  ),
  bytes: z.optional(z.int()),
  createdAt: instant,
});

const applicationView = z.object({
  applicationId: z.string(),
  tenantId: z.string(),
  number: z.string(),
  segment: z.string(),
  status: z.enum(APPLICATION_STATUSES),
  applicantType: z.enum(APPLICANT_TYPES),
  applicantName: z.string(),
  industry: z.enum(INDUSTRIES),
  intendedUsage: z.string(),
  expectedMonthlyMinutes: z.int(),
  planId: z.string(),
  termMonths: z.int(),
  autoRenew: z.boolean(),
  filedByAgent: z.boolean(),
  selectionFee: money,
  createdAt: instant,
  submittedAt: z.optional(instant),
  decidedAt: z.optional(instant),
  lastRejection: z.optional(
    z.object({ reasons: z.array(z.enum(REJECTION_REASONS)), text: z.optional(z.string()), at: instant }),
  ),
  contractId: z.optional(z.string()),
  draftExpiresAt: z.optional(instant),
  documentCount: z.optional(z.int()),
  /** A transfer recipient's qualification for a number offered to it (its approval moves nothing). */
  transfer: z.optional(z.boolean()),
  transferOfferId: z.optional(
    z
      .string()
      .check(
        z.describe(
          'The transfer offer a qualification was filed for: it counts for that offer only (absent on qualifications filed before offers had ids)',
        ),
      ),
  ),
  events: z.array(
    z.object({
      at: instant,
      event: z.enum(['created', 'submitted', 'rejected', 'resubmitted', 'approved', 'withdrawn']),
      by: z.string(),
      reasons: z.optional(z.array(z.string())),
      text: z.optional(z.string()),
    }),
  ),
  version: z.int(),
  documents: z.array(applicationDocument),
});

const reviewView = z.object({
  ...applicationView.shape,
  documents: z.array(
    z.object({
      ...applicationDocument.shape,
      download: z.optional(z.object({ url: z.string(), expiresAt: instant })),
    }),
  ),
});

const documentUpload = z.object({
  documentId: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  upload: z.object({ ...uploadForm.shape, contentType: z.string(), maxBytes: z.int() }),
});

/** An approved number's activation in Connect (shared/app/numbers/activation.ts). */
const activation = z.object({
  status: z.enum(['activating', 'active', 'failed']),
  step: z.enum(['queued', 'claiming', 'binding', 'done']),
  tries: z.int(),
  startedAt: instant,
  updatedAt: instant,
  accessNumber: z.optional(z.string()),
});

const decision = z.union([
  z.object({
    ...applicationView.shape,
    numberStatus: z.string().check(z.describe('activating until the activation worker has bound the number')),
    accessNumber: z.optional(z.string()),
    activation: z.optional(
      z.object({
        ...activation.shape,
        generation: z.int(),
        claim: z.optional(
          z.object({ attempt: z.int(), phoneNumber: z.string(), phoneNumberId: z.optional(z.string()) }),
        ),
        lastError: z.optional(z.string()),
      }),
    ),
  }),
  applicationView,
]);

// ---------------------------------------------------------------------------------- calls and money

const ledgerEntry = z.object({
  key: z.string(),
  kind: z.enum([
    'call',
    'call_adjustment',
    'top_up',
    'opening_fee',
    'monthly_rent',
    'minimum_spend',
    'retention_fee',
    'early_termination',
    'value_added',
    'sla_credit',
    'transfer_settlement',
    'refund',
    'adjustment',
  ]),
  amount: z.int().check(z.describe('Signed integer fen: credits positive, debits negative')),
  at: instant,
  description: z.string(),
  number: z.optional(z.string()),
});

const callFields = {
  contactId: z.string(),
  number: z.string(),
  caller: z.nullable(z.string()),
  callerRegion: z.nullable(z.string()),
  answerNumber: z.nullable(z.string()),
  startedAt: instant,
  answeredAt: z.nullable(instant),
  endedAt: instant,
  durationSeconds: z.int(),
  billedSeconds: z.int(),
  charge: money,
  missed: z.boolean(),
  recordingRef: z.nullable(z.string()),
};

/** A call: a transfer chain shows once, with its segments (each a contact record, rated on its own). */
const call = z.object({
  ...callFields,
  chainId: z.string(),
  segments: z.optional(z.array(z.object(callFields))),
});

const dailyRow = {
  calls: z.int(),
  answered: z.int(),
  missed: z.int(),
  talkSeconds: z.int(),
  charge: money,
};
const dailyReport = z.object({
  number: z.nullable(z.string()),
  numbers: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  days: z.array(z.object({ day: z.string(), ...dailyRow })),
  totals: z.object(dailyRow),
  durations: z.array(z.object({ bucket: z.string(), calls: z.int() })),
  callerRegions: z.array(z.object({ region: z.string(), calls: z.int() })),
  busiestHours: z.array(z.object({ hour: z.int(), calls: z.int() })),
});

/** Response schemas by route id. */
export const RESPONSE_SCHEMAS: Readonly<Record<string, z.ZodMiniType>> = {
  searchAvailableNumbers: page(availableNumber),
  listMyNumbers: page(numberView),
  getMyNumber: numberDetail,
  reserveNumber: hold,
  importNumbers: importReport,
  suspendNumber: numberView,
  resumeNumber: numberView,
  requestCancellation: numberView,
  withdrawCancellation: numberView,
  requestTransfer: numberView,
  decideTransfer: transferDecision,
  createApplication: z.object({ ...applicationView.shape, quote: z.optional(planQuote) }),
  listApplications: page(applicationView),
  getApplication: z.object({
    ...applicationView.shape,
    quote: z.optional(planQuote),
    activation: z.optional(activation),
    offerCurrent: z.optional(
      z
        .boolean()
        .check(
          z.describe(
            'A transfer qualification only: whether the offer it was filed for is still pending (once the offer ends, its open qualifications and the approvals it left unused are withdrawn with reason offer_ended, and the tenant is told of each)',
          ),
        ),
    ),
  }),
  withdrawApplication: applicationView,
  addApplicationDocument: documentUpload,
  submitApplication: applicationView,
  resubmitApplication: applicationView,
  listPendingApplications: page(applicationView),
  getApplicationForReview: reviewView,
  decideApplication: decision,
  createTopUp: z.object({
    error: z.object({
      code: z.literal('gone'),
      message: z.string(),
      details: z.object({ use: z.literal('POST /v1/payments') }),
    }),
  }),
  listLedger: page(ledgerEntry),
  listCalls: page(call),
  dailyReport,
};

/** A request header a route reads, as OpenAPI declares it. */
export interface RequestHeader {
  readonly name: string;
  readonly required: boolean;
  readonly description: string;
  readonly schema: Record<string, unknown>;
}

const IDEMPOTENCY_KEY: RequestHeader = {
  name: 'Idempotency-Key',
  required: true,
  description: 'Client-chosen key: the same key again returns the first result and credits nothing twice',
  schema: { type: 'string', pattern: idempotencyKeyPattern.source, minLength: 8, maxLength: 128 },
};
const IF_MATCH: RequestHeader = {
  name: 'If-Match',
  required: false,
  description: 'The `version` you read: the write fails with 409 if another one came in between',
  schema: { type: 'string', pattern: '^(W/)?"?\\d{1,9}"?$' },
};

/** Headers by route id (the handlers that read them: payments/{create,refund,credit}.ts, routing/put.ts, put-holiday-calendar.ts). */
export const REQUEST_HEADERS: Readonly<Record<string, readonly RequestHeader[]>> = {
  createPaymentOrder: [IDEMPOTENCY_KEY],
  requestRefund: [IDEMPOTENCY_KEY],
  createCredit: [IDEMPOTENCY_KEY],
  putRouting: [IF_MATCH],
  putHolidayCalendar: [IF_MATCH],
};
