/**
 * Application rules: which documents each applicant type must file, when an application is complete,
 * the rejection reason catalogue, the restrictions an individual's number carries and the contract an
 * approval creates. Pure: the adapters tell it which documents arrived.
 */
import { invalid } from '../errors.js';
import { type NumbersConfig, type PlanConfig, planOf, type Segment } from './config.js';

export const APPLICANT_TYPES = ['enterprise', 'individual_business', 'individual'] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];

export const DOCUMENT_KINDS = [
  'business_licence',
  'legal_representative_id',
  'agent_id',
  'authorization_letter',
  'capital_or_tax_proof',
  'id_card',
  'income_proof',
  'industry_licence',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const INDUSTRIES = [
  'retail',
  'ecommerce',
  'logistics',
  'education',
  'manufacturing',
  'hospitality',
  'technology',
  'finance',
  'insurance',
  'medical',
  'pharmaceutical',
  'other',
] as const;
export type Industry = (typeof INDUSTRIES)[number];

/** Industries whose numbers need the sector's own licence on file. */
export const REGULATED_INDUSTRIES: ReadonlySet<Industry> = new Set([
  'finance',
  'insurance',
  'medical',
  'pharmaceutical',
]);

export const REJECTION_REASONS = [
  'expired_licence',
  'unreadable_id_image',
  'missing_industry_licence',
  'usage_not_allowed',
  'other',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const APPLICATION_STATUSES = ['draft', 'submitted', 'rejected', 'approved', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export interface ApplicationFacts {
  readonly applicantType: ApplicantType;
  readonly industry: Industry;
  readonly filedByAgent: boolean;
}

export function requiredDocuments(facts: ApplicationFacts): DocumentKind[] {
  const required: DocumentKind[] =
    facts.applicantType === 'individual'
      ? ['id_card', 'income_proof']
      : ['business_licence', 'legal_representative_id'];
  if (facts.applicantType === 'individual_business') required.push('capital_or_tax_proof');
  if (facts.filedByAgent && facts.applicantType !== 'individual')
    required.push('agent_id', 'authorization_letter');
  if (REGULATED_INDUSTRIES.has(facts.industry)) required.push('industry_licence');
  return required;
}

export interface FiledDocument {
  readonly kind: DocumentKind;
  readonly uploaded: boolean;
  /** For licences: the last day they are valid (YYYY-MM-DD). */
  readonly expiresOn?: string;
}

export interface MissingItem {
  readonly item: DocumentKind;
  readonly reason: 'missing' | 'not_uploaded' | 'expired' | 'expiry_date_required';
}

/** What keeps the application from being complete on `today` (a local date); empty when complete. */
export function missingItems(
  facts: ApplicationFacts,
  documents: readonly FiledDocument[],
  today: string,
): MissingItem[] {
  const missing: MissingItem[] = [];
  for (const kind of requiredDocuments(facts)) {
    const filed = documents.filter((d) => d.kind === kind);
    if (filed.length === 0) {
      missing.push({ item: kind, reason: 'missing' });
      continue;
    }
    const uploaded = filed.filter((d) => d.uploaded);
    if (uploaded.length === 0) {
      missing.push({ item: kind, reason: 'not_uploaded' });
      continue;
    }
    if (kind === 'business_licence' || kind === 'industry_licence') {
      const dated = uploaded.filter((d) => d.expiresOn !== undefined);
      if (dated.length === 0) missing.push({ item: kind, reason: 'expiry_date_required' });
      else if (!dated.some((d) => (d.expiresOn as string) >= today))
        missing.push({ item: kind, reason: 'expired' });
    }
  }
  return missing;
}

export interface Rejection {
  readonly reasons: readonly RejectionReason[];
  readonly text?: string;
}

export function validateRejection(rejection: Rejection): void {
  if (rejection.reasons.length === 0) throw invalid('reason_required', 'name at least one reason', 'reasons');
  if (rejection.reasons.includes('other') && !rejection.text?.trim()) {
    throw invalid('text_required', 'the reason "other" needs a text for the applicant', 'text');
  }
}

/** What an individual's number may not do, for routing to enforce. */
export function restrictionsFor(applicantType: ApplicantType) {
  const individual = applicantType === 'individual';
  return { noMultiLevelTransfer: individual, recordingAnnouncementRequired: individual };
}

export interface ContractTerms {
  readonly plan: PlanConfig;
  readonly monthlyRent: number;
  readonly minimumMonthlySpend: number;
  readonly retentionFeePerMonth: number;
  readonly termMonths: number;
  readonly autoRenew: boolean;
  readonly noticeDays: number;
  readonly selectionFee: number;
  readonly firstTopUp: number;
  readonly openingFee: number;
}

export function contractTerms(
  segment: Segment,
  planId: string,
  termMonths: number,
  autoRenew: boolean,
  selectionFee: number,
  config: NumbersConfig,
): ContractTerms {
  const plan = planOf(config, segment, planId);
  if (!plan) throw invalid('unknown_plan', `no plan ${planId} in segment ${segment}`, 'planId');
  if (!Number.isInteger(termMonths) || termMonths < config.minimumContractMonths || termMonths > 60) {
    throw invalid(
      'invalid_term',
      `the term is ${config.minimumContractMonths} to 60 whole months`,
      'termMonths',
    );
  }
  return {
    plan,
    monthlyRent: plan.monthlyRent,
    minimumMonthlySpend: plan.minimumMonthlySpend,
    retentionFeePerMonth: plan.retentionFeePerMonth ?? config.retentionFeePerMonth,
    termMonths,
    autoRenew,
    noticeDays: config.cancellationNoticeDays,
    selectionFee,
    firstTopUp: config.firstTopUp,
    openingFee: selectionFee + config.firstTopUp,
  };
}
