/**
 * An application for a number, its documents and the contract its approval creates, as records: what each
 * status change does to the application (its event trail, the draft or rework deadline), what a tenant or
 * operator may see of it (never object keys or URLs), and the contract an approval writes.
 */
import { addMonths, localDateOf } from '../billing/calendar.js';
import { isCalendarDate } from '../calendar-date.js';
import { conflict, invalid } from '../errors.js';
import {
  type ApplicantType,
  type ApplicationStatus,
  contractTerms,
  type DocumentKind,
  type Industry,
  type Rejection,
} from './applications.js';
import type { NumbersConfig, Segment } from './config.js';
import { scheduledPriceChanges } from './quote.js';

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
const DAY_MS = 86_400_000;

export interface ApplicationInput {
  readonly number: string;
  readonly applicantType: ApplicantType;
  readonly applicantName: string;
  readonly industry: Industry;
  readonly intendedUsage: string;
  readonly expectedMonthlyMinutes: number;
  readonly planId: string;
  readonly termMonths?: number;
  readonly autoRenew?: boolean;
  readonly filedByAgent?: boolean;
}

export interface ApplicationEvent {
  readonly at: string;
  readonly event: 'created' | 'submitted' | 'rejected' | 'resubmitted' | 'approved' | 'withdrawn';
  readonly by: string;
  readonly reasons?: readonly string[];
  readonly text?: string;
}

export interface ApplicationRecord {
  readonly applicationId: string;
  readonly tenantId: string;
  readonly number: string;
  readonly segment: string;
  readonly status: ApplicationStatus;
  readonly applicantType: ApplicantType;
  readonly applicantName: string;
  readonly industry: Industry;
  readonly intendedUsage: string;
  readonly expectedMonthlyMinutes: number;
  readonly planId: string;
  readonly termMonths: number;
  readonly autoRenew: boolean;
  readonly filedByAgent: boolean;
  readonly selectionFee: number;
  readonly createdAt: string;
  readonly submittedAt?: string;
  readonly decidedAt?: string;
  readonly lastRejection?: Rejection & { readonly at: string };
  readonly contractId?: string;
  readonly events: readonly ApplicationEvent[];
  readonly version: number;
  /** While a draft (or a rejected application) waits for its tenant: withdrawn when it passes. */
  readonly draftExpiresAt?: string;
  /**
   * The qualification of a transfer recipient: an application for a number another tenant offers it,
   * reviewed like a new applicant's. Its approval moves nothing (no fee, no activation); the recipient then
   * accepts the transfer (naming it, or not: its approved one for the offer is found), and the number takes
   * this application's applicant type.
   */
  readonly transfer?: boolean;
  /**
   * The transfer offer a qualification was filed under (the number's `transferOfferId` then): it counts for
   * that offer only. Absent on qualifications written before offers had ids (./transfer-offer.ts).
   */
  readonly transferOfferId?: string;
  /** Documents registered so far, counted by the store in the same write as each one (the limit holds under races). */
  readonly documentCount?: number;
  /** The exact stored versions reviewers see, fixed at the last (re)submission. */
  readonly frozenDocuments?: readonly FrozenDocument[];
}

/** One document as submitted: its stored version and the SHA-256 of its bytes. */
export interface FrozenDocument {
  readonly documentId: string;
  readonly versionId: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface DocumentRecord {
  readonly documentId: string;
  readonly applicationId: string;
  readonly kind: DocumentKind;
  readonly contentType: string;
  readonly objectKey: string;
  readonly expiresOn?: string;
  readonly uploaded?: boolean;
  readonly createdAt: string;
}

export const APPLICATION_ID = /^app_[0-9a-f-]{36}$/;

/** No licence runs longer than this: a later expiry date is a typo or a way around the in-date check. */
export const MAX_DOCUMENT_VALIDITY_YEARS = 50;

/** A document's expiry date: a real calendar date, at most MAX_DOCUMENT_VALIDITY_YEARS after `at`. */
export function checkDocumentExpiry(expiresOn: string, at: string, field = 'expiresOn'): void {
  if (!isCalendarDate(expiresOn)) {
    throw invalid('invalid_date', `${expiresOn} is not a calendar date (YYYY-MM-DD)`, field);
  }
  const latest = Number(at.slice(0, 4)) + MAX_DOCUMENT_VALIDITY_YEARS;
  if (expiresOn > `${latest}${at.slice(4, 10)}`) {
    throw invalid(
      'date_out_of_range',
      `a document expires at most ${MAX_DOCUMENT_VALIDITY_YEARS} years ahead`,
      field,
    );
  }
}

export const daysAfter = (at: string, days: number) => new Date(Date.parse(at) + days * DAY_MS).toISOString();

/** A new draft: it waits `draftApplicationDays` for its documents and submission. */
export function draftApplication(
  applicationId: string,
  tenantId: string,
  input: ApplicationInput,
  number: { readonly segment: Segment; readonly selectionFee: number },
  at: string,
  config: NumbersConfig,
): ApplicationRecord {
  return {
    applicationId,
    tenantId,
    number: input.number,
    segment: number.segment,
    status: 'draft',
    applicantType: input.applicantType,
    applicantName: input.applicantName,
    industry: input.industry,
    intendedUsage: input.intendedUsage,
    expectedMonthlyMinutes: input.expectedMonthlyMinutes,
    planId: input.planId,
    termMonths: input.termMonths ?? config.minimumContractMonths,
    autoRenew: input.autoRenew ?? true,
    filedByAgent: input.filedByAgent ?? false,
    selectionFee: number.selectionFee,
    createdAt: at,
    events: [{ at, event: 'created', by: tenantId }],
    version: 1,
    draftExpiresAt: daysAfter(at, config.draftApplicationDays),
  };
}

/**
 * The application after a status change: the event recorded, the version bumped. Leaving draft ends the
 * draft deadline; a rejection waits `fixWithinDays` for its fix, as a draft waits for its documents.
 */
export function withStatus(
  app: ApplicationRecord,
  status: ApplicationStatus,
  event: ApplicationEvent,
  changes: Partial<ApplicationRecord> = {},
  fixWithinDays?: number,
): ApplicationRecord {
  const { draftExpiresAt: _d, ...rest } = app;
  return {
    ...rest,
    ...changes,
    status,
    events: [...app.events, event],
    version: app.version + 1,
    ...(status === 'rejected' && fixWithinDays !== undefined
      ? { draftExpiresAt: daysAfter(event.at, fixWithinDays) }
      : {}),
  };
}

/**
 * A draft is submitted, a rejection resubmitted, before its deadline: past it the number no longer counts
 * as the tenant's hold (whenever the expiry job gets to withdrawing it), so a late one would hold a number
 * past the hold limit.
 */
export function requireBeforeDeadline(app: ApplicationRecord, at: string): void {
  if (app.draftExpiresAt !== undefined && at >= app.draftExpiresAt)
    throw conflict(
      'application_expired',
      `the deadline of this ${app.status} application passed at ${app.draftExpiresAt}; apply again`,
      { deadline: app.draftExpiresAt },
    );
}

/**
 * Who acted, as a tenant may see it: itself by its id, jobs and the system as "system", and anyone else (an operator
 * deciding, reviewing or acting on its behalf) as "operator", never an operator's identity.
 */
export function actorForTenant(actor: string, tenantId: string): string {
  if (actor === tenantId) return actor;
  if (actor.startsWith('job:') || actor === 'payment' || actor === 'system') return 'system';
  return 'operator';
}

/** What a tenant sees of its application: never object keys or URLs, nor who the operators are. */
export function applicationView(app: ApplicationRecord, documents: readonly DocumentRecord[] = []) {
  const events: readonly ApplicationEvent[] = app.events.map((e) => ({
    ...e,
    by: actorForTenant(e.by, app.tenantId),
  }));
  return { ...operatorApplicationView(app, documents), events };
}

/** What an operator's review routes see: the same, with who did what. */
export function operatorApplicationView(app: ApplicationRecord, documents: readonly DocumentRecord[] = []) {
  const { frozenDocuments, ...rest } = app;
  const frozen = new Map((frozenDocuments ?? []).map((f) => [f.documentId, f]));
  return {
    ...rest,
    documents: documents.map((d) => {
      const submitted = frozen.get(d.documentId);
      return {
        documentId: d.documentId,
        kind: d.kind,
        contentType: d.contentType,
        ...(d.expiresOn ? { expiresOn: d.expiresOn } : {}),
        uploaded: d.uploaded === true || submitted !== undefined,
        ...(submitted ? { sha256: submitted.sha256, bytes: submitted.bytes } : {}),
        createdAt: d.createdAt,
      };
    }),
  };
}

export type ApplicationView = ReturnType<typeof applicationView>;

/** A contract as stored: the attributes below, and whatever billing or a later change added. */
export interface ContractRecord {
  readonly contractId: string;
  readonly number: string;
  readonly tenantId: string;
  readonly version?: number;
  readonly [attribute: string]: unknown;
}

export const contractIdOf = (applicationId: string) => `ct_${applicationId.slice('app_'.length)}`;

/**
 * The contract an approval writes: the plan's terms from today (in the configured zone) for the term. It is
 * `pending` until the number first goes active: service, and with it rent, starts on the activation day
 * (`serviceFrom`, set by that transition), so a number still activating, or rolled back, costs no rent.
 */
export function contractFor(app: ApplicationRecord, at: string, config: NumbersConfig): ContractRecord {
  const terms = contractTerms(
    app.segment as Segment,
    app.planId,
    app.termMonths,
    app.autoRenew,
    app.selectionFee,
    config,
  );
  const termStart = localDateOf(at, config.timeZone);
  // The plan's price changes already scheduled from a later date (stored as the tariff job adds them).
  const later = scheduledPriceChanges(config, terms.plan.id, termStart);
  const priceChanges = Object.fromEntries(
    later.map(({ effectiveFrom, ...prices }) => [effectiveFrom, prices] as const),
  );
  return {
    contractId: contractIdOf(app.applicationId),
    applicationId: app.applicationId,
    tenantId: app.tenantId,
    number: app.number,
    planId: terms.plan.id,
    planName: terms.plan.name,
    includedMinutes: terms.plan.includedMinutes,
    monthlyRent: terms.monthlyRent,
    minimumSpend: terms.minimumMonthlySpend,
    retentionFee: terms.retentionFeePerMonth,
    termMonths: terms.termMonths,
    termStart,
    termEnd: addMonths(termStart, terms.termMonths),
    autoRenew: terms.autoRenew,
    noticeDays: terms.noticeDays,
    selectionFee: terms.selectionFee,
    firstTopUp: terms.firstTopUp,
    openingFee: terms.openingFee,
    timeZone: config.timeZone,
    ...(later.length > 0 ? { priceChanges } : {}),
    suspensions: [],
    status: 'pending',
    createdAt: at,
    version: 1,
  };
}
