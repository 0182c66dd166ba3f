/**
 * A transfer offer and the qualifications that count for it. A recipient's qualification (an application an
 * operator reviewed) is filed under one offer and counts for that offer only: an approval from an earlier
 * offer of the same number to the same tenant (withdrawn, declined, or the number transferred and offered
 * again later) qualifies nothing now, since nobody reviewed the recipient for this offer.
 */
import { type ApplicationRecord, withStatus } from './application.js';
import type { ApplicationStatus } from './applications.js';
import type { NumberRecord } from './number.js';

export interface TransferOffer {
  /** Undefined for an offer made before offers had ids. */
  readonly offerId?: string;
  /** When the offer was made, or an instant no earlier (see offerOf). */
  readonly offeredAt: string;
}

/**
 * The number's pending offer. An offer made before offers had ids has no recorded instant either: its
 * number's `updatedAt` stands in, never earlier than the offer (the offer's transition set it, later writes
 * only move it on), so a comparison against it can only refuse more, never accept an older qualification.
 */
export function offerOf(number: Pick<NumberRecord, 'transferOfferId' | 'transferOfferedAt' | 'updatedAt'>) {
  return {
    ...(number.transferOfferId ? { offerId: number.transferOfferId } : {}),
    offeredAt: number.transferOfferedAt ?? number.updatedAt,
  } satisfies TransferOffer;
}

/**
 * Whether a qualification was filed under `offer`. One filed under an offer names it. One written before
 * qualifications named their offer counts only if it was created strictly after the offer was made: a
 * qualification is created only while an offer to its tenant is pending, and offers of a number follow one
 * another, so one created after this offer began belongs to it; one created before (or at the same instant,
 * which cannot be told apart from the end of an earlier offer) needs a new review.
 */
export function isQualificationFor(
  app: Pick<ApplicationRecord, 'transferOfferId' | 'createdAt'>,
  offer: TransferOffer,
): boolean {
  if (app.transferOfferId !== undefined) return app.transferOfferId === offer.offerId;
  return Date.parse(app.createdAt) > Date.parse(offer.offeredAt);
}

/**
 * Whether the offer a qualification was filed for is still pending on its number: the number offered to the
 * qualification's tenant, under that offer. Undefined number: the qualification's number is gone.
 */
export function isOfferCurrent(
  app: Pick<ApplicationRecord, 'tenantId' | 'transferOfferId' | 'createdAt'>,
  number:
    | Pick<NumberRecord, 'status' | 'transferTo' | 'transferOfferId' | 'transferOfferedAt' | 'updatedAt'>
    | undefined,
): boolean {
  return (
    number?.status === 'transfer_pending' &&
    number.transferTo === app.tenantId &&
    isQualificationFor(app, offerOf(number))
  );
}

/** The reason on each qualification withdrawn because the offer it was filed for ended. */
export const OFFER_ENDED = 'offer_ended';

/** How an offer ended: its owner withdrew it, or its recipient declined or accepted it. */
export type OfferEnd = 'withdrawn_by_owner' | 'declined' | 'accepted';

/** An offer that ended, how, and (accepted) the approved qualification the acceptance used. */
export interface OfferEnding {
  readonly offerId: string;
  readonly end: OfferEnd;
  /** Absent on an accepted offer's end recorded before ends named the approval they used. */
  readonly usedApplicationId?: string;
}

/** The statuses in which a qualification may still move on (and holds its number meanwhile). */
const OPEN: ReadonlySet<ApplicationStatus> = new Set(['draft', 'submitted', 'rejected']);

/** Whether a qualification is still open (draft, submitted, or rejected awaiting its fix). */
export const isOpenQualification = (app: Pick<ApplicationRecord, 'status'>) => OPEN.has(app.status);

/**
 * Whether the end of an offer withdraws a qualification filed under it. One still open can qualify nothing
 * any more. One approved and not used by the acceptance can never be used (an approval counts for its own
 * offer only), yet would show approved forever. The approval the acceptance used stays approved: it is the
 * record of who the new owner is. So does every approval of an accepted offer whose end does not name the
 * one used (it cannot be told from the others). Anything else stays as it is: a qualification of another
 * offer, one written before offers had ids, one withdrawn already.
 */
export function isWithdrawnByOfferEnd(
  app: Pick<ApplicationRecord, 'applicationId' | 'status' | 'transferOfferId'>,
  ending: OfferEnding,
): boolean {
  if (app.transferOfferId === undefined || app.transferOfferId !== ending.offerId) return false;
  if (isOpenQualification(app)) return true;
  if (app.status !== 'approved') return false;
  if (ending.end !== 'accepted') return true;
  return ending.usedApplicationId !== undefined && app.applicationId !== ending.usedApplicationId;
}

const OFFER_END_TEXT: Record<OfferEnd, string> = {
  withdrawn_by_owner: 'the owner withdrew the transfer offer this application was filed for',
  declined: 'you declined the transfer offer this application was filed for',
  accepted: 'you accepted the transfer offer with another approved application',
};

/**
 * A qualification withdrawn because its offer ended: by the system (nobody asked for it), the reason and how
 * the offer ended on its trail, as its tenant reads it.
 */
export function withdrawnForOfferEnd(app: ApplicationRecord, end: OfferEnd, at: string): ApplicationRecord {
  return withStatus(app, 'withdrawn', {
    at,
    event: 'withdrawn',
    by: 'system',
    reasons: [OFFER_ENDED],
    text: OFFER_END_TEXT[end],
  });
}
