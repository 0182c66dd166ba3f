/**
 * The recipient of a transfer offer decides. Primary course (accept): the recipient qualifies like a new
 * applicant: it applied for the offered number while this offer was pending (POST /v1/applications:
 * documents, then an operator's review), and accepts: naming that approved application, or naming none and
 * its approved one for this offer is used; it cannot state its applicant type instead, and an approval from
 * an earlier offer of the number counts for nothing. The number changes hands with the old owner settled
 * first, gets the restrictions of the reviewed applicant type, and the new owner's contract (same plan and
 * terms, from today) is written in the same commit as the transfer. Variations: anyone the number is not
 * offered to gets the lifecycle's refusal; decline abandons the offer and the number stays with its owner.
 * Whichever way the offer ends, the recipient's qualifications for it that can never be used now (still
 * open, or approved and not the one accepted with) are withdrawn with its end, and it is told of each
 * (./offer-qualifications.ts).
 */
import { addMonths, localDateOf } from '../../domain/billing/calendar.js';
import { conflict, invalid, notFound } from '../../domain/errors.js';
import type { ApplicationRecord, ContractRecord } from '../../domain/numbers/application.js';
import { type ApplicantType, restrictionsFor } from '../../domain/numbers/applications.js';
import { decide } from '../../domain/numbers/lifecycle.js';
import { lifecycleOf, type NumberRecord } from '../../domain/numbers/number.js';
import { numberView } from '../../domain/numbers/number-view.js';
import {
  isQualificationFor,
  type OfferEnd,
  offerOf,
  type TransferOffer,
} from '../../domain/numbers/transfer-offer.js';
import type { NumberWrite } from '../../ports/number-store.js';
import { requireOwnApplication } from './applications.js';
import type { NumbersDeps } from './deps.js';
import { endedOffer, offerEndSweep, offerEndWrites } from './offer-qualifications.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

export interface TransferAcceptance {
  readonly applicantType?: ApplicantType;
  readonly qualificationApplicationId?: string;
}

interface Qualification {
  readonly applicantType: ApplicantType;
  readonly applicationId?: string;
}

const successorId = (number: NumberRecord) =>
  `${(number.contractId as string).split('~')[0]}~${number.version + 1}`;

/** The number as offered to `tenantId`, or the lifecycle's own refusal (a 404 to anyone it is not offered to). */
async function offeredTo(deps: NumbersDeps, numberId: string, tenantId: string, at: string) {
  const number = await deps.numbers.get(numberId);
  if (!number) throw notFound('number_not_found', 'no such number');
  decide(lifecycleOf(number), { type: 'accept_transfer', tenantId }, at, deps.config);
  return number;
}

/**
 * Who the new owner is, for its restrictions: its approved qualification for this very offer (an
 * application an operator reviewed with its documents), the one it names or, when it names none, the one it
 * has. A stated applicant type alone qualifies nothing.
 */
async function qualificationOf(
  deps: NumbersDeps,
  tenantId: string,
  numberId: string,
  offer: TransferOffer,
  acceptance: TransferAcceptance,
): Promise<Qualification> {
  const { applicantType, qualificationApplicationId } = acceptance;
  const app = qualificationApplicationId
    ? await namedQualification(deps, tenantId, numberId, offer, qualificationApplicationId)
    : await approvedQualification(deps, tenantId, numberId, offer);
  if (applicantType && applicantType !== app.applicantType) {
    throw invalid(
      'applicant_type_mismatch',
      `the approved application is for an applicant of type ${app.applicantType}`,
      'applicantType',
    );
  }
  return { applicantType: app.applicantType, applicationId: app.applicationId };
}

/** The application the recipient names: its own, for this offer, approved; or the reason it is not. */
async function namedQualification(
  deps: NumbersDeps,
  tenantId: string,
  numberId: string,
  offer: TransferOffer,
  applicationId: string,
): Promise<ApplicationRecord> {
  const app = await requireOwnApplication(deps, tenantId, applicationId).catch(() => {
    throw invalid('qualification_not_found', 'no such application among yours', 'qualificationApplicationId');
  });
  if (!app.transfer || app.number !== numberId) {
    throw invalid(
      'qualification_not_for_this_transfer',
      `the application is not your qualification for ${numberId}; apply for this number`,
      'qualificationApplicationId',
    );
  }
  if (!isQualificationFor(app, offer)) {
    throw invalid(
      'qualification_not_for_this_transfer',
      `the application was filed for an earlier offer of ${numberId}; this offer needs its own review: apply for the number again`,
      'qualificationApplicationId',
    );
  }
  if (app.status !== 'approved') {
    throw invalid(
      'qualification_not_approved',
      `the application is ${app.status}; an operator must approve it first`,
      'qualificationApplicationId',
    );
  }
  return app;
}

/**
 * The recipient's approved qualification for this offer when it names none (the approval notice tells it to
 * accept, not which id: an SMS cannot carry the id whole). Candidates come from the tenant's applications
 * index and are re-read consistently, since the index may lag a decision just made. Should several be
 * approved, the most recently decided one is the operator's latest word on who the recipient is.
 */
async function approvedQualification(
  deps: NumbersDeps,
  tenantId: string,
  numberId: string,
  offer: TransferOffer,
): Promise<ApplicationRecord> {
  const candidates = await deps.applications.transferQualificationsOf(tenantId, numberId);
  const current = await Promise.all(candidates.map((c) => deps.applications.get(c.applicationId)));
  const mine = current.filter(
    (a): a is ApplicationRecord => a?.tenantId === tenantId && a.transfer === true && a.number === numberId,
  );
  const latest = mine
    .filter((a) => a.status === 'approved' && isQualificationFor(a, offer))
    .sort((a, b) => (b.decidedAt ?? '').localeCompare(a.decidedAt ?? ''))[0];
  if (!latest) {
    // An approval it had, not for this offer: still approved (an earlier offer's, from before ended offers
    // withdrew theirs) or withdrawn when its offer ended.
    const earlier = mine.some((a) => a.events.some((e) => e.event === 'approved'))
      ? ` (your approved one was for an earlier offer: this offer needs its own review)`
      : '';
    throw invalid(
      'qualification_required',
      `accepting a transfer takes your approved application for ${numberId}, filed for this offer${earlier}: apply for it (POST /v1/applications), upload its documents and submit it for review, then accept once an operator approves it`,
      'qualificationApplicationId',
    );
  }
  return latest;
}

/** The new owner's contract: the same plan and terms, starting today. */
function successorContract(
  deps: NumbersDeps,
  number: NumberRecord,
  old: ContractRecord | undefined,
  newTenant: string,
  qualification: Qualification,
  at: string,
): NumberWrite[] {
  if (!number.contractId || !old) return [];
  const zone = (old.timeZone as string | undefined) ?? deps.config.timeZone;
  const termStart = localDateOf(at, zone);
  const termMonths = Number(old.termMonths ?? deps.config.minimumContractMonths);
  const { serviceTo: _s, endedAt: _e, renewedAt: _r, ...terms } = old;
  const contract: ContractRecord = {
    ...terms,
    contractId: successorId(number),
    number: number.number,
    tenantId: newTenant,
    transferredFrom: number.tenantId,
    applicantType: qualification.applicantType,
    ...(qualification.applicationId ? { qualificationApplicationId: qualification.applicationId } : {}),
    termStart,
    termEnd: addMonths(termStart, termMonths),
    serviceFrom: termStart,
    suspensions: [],
    status: 'active',
    createdAt: at,
    version: 1,
  };
  return [{ kind: 'contract', contract }];
}

/** A decline by the number's owner withdraws its offer; by the recipient, declines it. */
const endOf = (number: NumberRecord, tenantId: string): OfferEnd =>
  number.tenantId === tenantId ? 'withdrawn_by_owner' : 'declined';

export async function decideTransfer(
  deps: NumbersDeps,
  numberId: string,
  tenantId: string,
  decision: 'accept' | 'decline',
  at: string,
  acceptance: TransferAcceptance = {},
) {
  if (decision === 'decline') {
    const { number } = await runLifecycleCommand(
      deps,
      numberId,
      { type: 'abandon_transfer', tenantId },
      { at, actor: tenantId },
      {
        writes: (current) => offerEndWrites(deps, endedOffer(current, endOf(current, tenantId)), at),
        effects: (current, next) => offerEndSweep(endedOffer(current, endOf(current, tenantId)), next, at),
      },
    );
    return { number: numberId, status: number.status, transferred: false };
  }
  // Anyone the number is not offered to gets the lifecycle's own refusal, whatever it names.
  const offered = await offeredTo(deps, numberId, tenantId, at);
  const qualification = await qualificationOf(deps, tenantId, numberId, offerOf(offered), acceptance);
  const contracts = new Map<string, ContractRecord | undefined>();
  const oldContract = async (current: Pick<NumberRecord, 'number' | 'contractId'>) => {
    if (!current.contractId) return undefined;
    if (!contracts.has(current.contractId))
      contracts.set(current.contractId, await deps.numbers.contract(current.number, current.contractId));
    return contracts.get(current.contractId);
  };
  const acceptedOffer = (current: NumberRecord) =>
    endedOffer(current, 'accepted', qualification.applicationId);
  // Numbers activated before the number carried planId take it from the contract now.
  const contractPlan = (await oldContract(offered))?.planId;
  const { number } = await runLifecycleCommand(
    deps,
    numberId,
    { type: 'accept_transfer', tenantId },
    { at, actor: tenantId, note: `applicantType=${qualification.applicantType}` },
    {
      // The new owner's restrictions follow from its own applicant type, never the old owner's; the plan
      // carries on with the contract.
      extra: (current) => {
        // The qualification was checked against the offer read above; another made since needs its own.
        if (current.transferOfferId !== offered.transferOfferId)
          throw conflict('concurrent_update', 'the offer changed meanwhile; read it again');
        return {
          restrictions: restrictionsFor(qualification.applicantType),
          ...(current.contractId ? { contractId: successorId(current) } : {}),
          ...(!current.planId && typeof contractPlan === 'string' ? { planId: contractPlan } : {}),
        };
      },
      writes: async (current) => [
        ...successorContract(deps, current, await oldContract(current), tenantId, qualification, at),
        // The recipient's other qualifications for this offer are moot now; the one used stays approved.
        ...(await offerEndWrites(deps, acceptedOffer(current), at)),
      ],
      effects: (current, next) => offerEndSweep(acceptedOffer(current), next, at),
    },
  );
  return { ...numberView(number, at), transferred: true };
}
