/**
 * A transfer offer's end and the recipient's qualifications filed for it. Primary course: when the offer
 * ends (its owner withdraws it, the recipient declines or accepts it), every qualification still open for
 * THAT offer (draft, submitted, rejected awaiting a fix) can qualify nothing any more: it is withdrawn in the
 * same commit as the offer's end, with `offer_ended` on its trail, so it leaves the operators' review queue
 * and its tenant sees it withdrawn and why; the recipient's hold on the number ends with them. An approved
 * one stays approved (the one an acceptance used, or one the recipient never used). Qualifications written
 * before offers had ids are left as they are (they cannot be approved any more: requireOfferPending).
 * Variations, caught by a durable follow-up effect (`withdraw_qualifications`, written with the offer's end,
 * carried out right after it and, should that fail, by the number-effects job, so a crash loses nothing):
 * more open qualifications than one commit may carry (the first ones commit with the offer's end); one the
 * tenant's applications index did not show yet (filed just before the end) or filed while the end committed,
 * if the index shows it by the time the sweep runs (one it still misses can be neither submitted nor approved
 * any more: a draft is withdrawn at its deadline, one under review waits for an operator's rejection).
 */
import type { ApplicationRecord } from '../../domain/numbers/application.js';
import type { NumberRecord } from '../../domain/numbers/number.js';
import { type OfferEnd, withdrawnForOfferEnd } from '../../domain/numbers/transfer-offer.js';
import type { PendingEffect } from '../../ports/number-effect-store.js';
import type { NumberWrite } from '../../ports/number-store.js';
import { commitQualification } from './applications.js';
import type { NumbersDeps } from './deps.js';
import { holdConsumed } from './holds.js';

/**
 * Qualifications withdrawn in one commit. The offer's own end takes at most about 15 of a transaction's 100
 * actions (the number and its history rows, routing snapshot, contracts, holds, effects).
 */
export const MAX_WITHDRAWN_PER_COMMIT = 40;

export interface EndedOffer {
  readonly tenantId: string;
  readonly number: string;
  readonly offerId: string;
  readonly end: OfferEnd;
}

const OPEN = new Set(['draft', 'submitted', 'rejected']);

/** The recipient's qualifications still open for the offer, as stored now (the index may lag: each re-read). */
async function openQualifications(deps: NumbersDeps, offer: EndedOffer): Promise<ApplicationRecord[]> {
  const candidates = await deps.applications.transferQualificationsOf(offer.tenantId, offer.number);
  const current = await Promise.all(candidates.map((c) => deps.applications.get(c.applicationId)));
  return current
    .filter(
      (a): a is ApplicationRecord =>
        a?.tenantId === offer.tenantId &&
        a.transfer === true &&
        a.number === offer.number &&
        a.transferOfferId === offer.offerId &&
        OPEN.has(a.status),
    )
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/**
 * The write withdrawing `app` for the offer's end at `at`, or, for one that moved since (filed or changed
 * while the end committed, found later by the follow-up effect), at its last event: its trail stays in order.
 */
function withdrawnFor(app: ApplicationRecord, offer: EndedOffer, at: string): NumberWrite {
  const last = app.events.at(-1)?.at;
  const when = last !== undefined && last > at ? last : at;
  return {
    kind: 'application',
    application: withdrawnForOfferEnd(app, offer.end, when),
    expectedVersion: app.version,
  };
}

/** The offer pending on `number` (before its end), or undefined for an offer made before offers had ids. */
export function endedOffer(number: NumberRecord, end: OfferEnd): EndedOffer | undefined {
  if (!number.transferOfferId || !number.transferTo) return undefined;
  return { tenantId: number.transferTo, number: number.number, offerId: number.transferOfferId, end };
}

/**
 * The writes that withdraw the offer's open qualifications with its end: at most MAX_WITHDRAWN_PER_COMMIT of
 * them, and the recipient's hold on the number dropped.
 */
export async function offerEndWrites(
  deps: NumbersDeps,
  offer: EndedOffer | undefined,
  at: string,
): Promise<NumberWrite[]> {
  if (!offer) return [];
  const open = await openQualifications(deps, offer);
  return withdrawalWrites(deps, offer, open.slice(0, MAX_WITHDRAWN_PER_COMMIT), at);
}

/**
 * The sweep that follows the offer's end, recorded in its commit and carried out right after it (retried by
 * the number-effects job if that fails): it withdraws what the commit could not carry, and any the tenant's
 * applications index did not show yet (filed just before the end) or filed while the end committed.
 */
export function offerEndSweep(
  offer: EndedOffer | undefined,
  next: NumberRecord,
  at: string,
): PendingEffect[] {
  if (!offer) return [];
  return [
    {
      effectId: `${offer.number}#v${String(next.version).padStart(8, '0')}#qualifications`,
      at,
      payload: { kind: 'withdraw_qualifications', ...offer },
    },
  ];
}

/** `open` withdrawn and, if any, the recipient's hold on the number dropped: it held the number through them. */
async function withdrawalWrites(
  deps: NumbersDeps,
  offer: EndedOffer,
  open: readonly ApplicationRecord[],
  at: string,
): Promise<NumberWrite[]> {
  if (open.length === 0) return [];
  return [
    ...open.map((app) => withdrawnFor(app, offer, at)),
    await holdConsumed(deps, offer.tenantId, offer.number, at),
  ];
}

/**
 * The follow-up effect: withdraws what is still open for the ended offer, a commit at a time. Safe to run
 * again: what is withdrawn is no longer open, and each write is conditioned on the version it read.
 */
export async function withdrawQualifications(
  deps: NumbersDeps,
  offer: EndedOffer,
  at: string,
): Promise<void> {
  for (;;) {
    const open = await openQualifications(deps, offer);
    if (open.length === 0) return;
    const writes = await withdrawalWrites(deps, offer, open.slice(0, MAX_WITHDRAWN_PER_COMMIT), at);
    await commitQualification(deps, writes, undefined, at);
  }
}
