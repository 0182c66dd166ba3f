/**
 * A transfer offer's end and the recipient's qualifications filed for it. Primary course: when the offer
 * ends (its owner withdraws it, the recipient declines or accepts it), every qualification of THAT offer that
 * can never be used now is withdrawn in the same commit as the offer's end, with `offer_ended` on its trail,
 * and its tenant is told (one notice per qualification, recorded in that commit and sent right after it,
 * under a dedupe key of its own, so a retry never tells it twice): one still open (draft, submitted, rejected
 * awaiting a fix) leaves the operators' review queue and the recipient's hold on the number ends with it; one
 * approved that the acceptance did not use (a withdrawn or declined offer's, or another approval than the one
 * accepted with) no longer shows approved. The approval an acceptance used stays approved (the domain's
 * isWithdrawnByOfferEnd). Qualifications written before offers had ids are left as they are (they cannot be
 * approved any more: requireOfferPending), as are approvals of offers that ended before this rule.
 * Variations, caught by a durable follow-up effect (`withdraw_qualifications`, written with the offer's end,
 * carried out right after it and, should that fail, by the number-effects job, so a crash loses nothing):
 * more qualifications than one commit may carry (the first ones commit with the offer's end); one the
 * tenant's applications index did not show yet (filed or approved just before the end) or filed or approved
 * while the end committed, if the index shows it by the time the sweep runs (one it still misses can be
 * neither submitted nor approved any more, their commits being conditioned on the offer: a draft is
 * withdrawn at its deadline, one under review waits for an operator's rejection). The sweep's withdrawals
 * carry their notices as the end's own do.
 */
import type { ApplicationRecord } from '../../domain/numbers/application.js';
import type { NumberRecord } from '../../domain/numbers/number.js';
import {
  isOpenQualification,
  isWithdrawnByOfferEnd,
  type OfferEnd,
  type OfferEnding,
  withdrawnForOfferEnd,
} from '../../domain/numbers/transfer-offer.js';
import { noticeEffect, type PendingEffect } from '../../ports/number-effect-store.js';
import type { NumberWrite } from '../../ports/number-store.js';
import { commitQualification } from './applications.js';
import type { NumbersDeps } from './deps.js';
import { holdConsumed } from './holds.js';

/**
 * Qualifications withdrawn in one commit, two actions each (the application and its notice). The offer's
 * own end takes at most about 15 of a transaction's 100 actions (the number and its history rows, routing
 * snapshot, contracts, holds, effects): 15 + 1 + 2 × 30 = 76.
 */
export const MAX_WITHDRAWN_PER_COMMIT = 30;

export interface EndedOffer extends OfferEnding {
  readonly tenantId: string;
  readonly number: string;
}

/**
 * The recipient's qualifications its offer's end withdraws, as stored now (the index may lag: each re-read),
 * oldest first.
 */
async function endingQualifications(deps: NumbersDeps, offer: EndedOffer): Promise<ApplicationRecord[]> {
  const candidates = await deps.applications.transferQualificationsOf(offer.tenantId, offer.number);
  const current = await Promise.all(candidates.map((c) => deps.applications.get(c.applicationId)));
  return current
    .filter(
      (a): a is ApplicationRecord =>
        a?.tenantId === offer.tenantId &&
        a.transfer === true &&
        a.number === offer.number &&
        isWithdrawnByOfferEnd(a, offer),
    )
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/**
 * The tenant told that its qualification was withdrawn because the offer ended: the number only (which it
 * knew, as it knew of the offer), nothing of the owner's. Its dedupe key is the qualification's own and a
 * qualification is withdrawn once, so however often the effect runs, the notifier delivers it once.
 */
function withdrawalNotice(withdrawn: ApplicationRecord, at: string): PendingEffect {
  return noticeEffect(`${withdrawn.applicationId}#v${withdrawn.version}#withdrawn`, at, {
    tenantId: withdrawn.tenantId,
    kind: 'application_decided',
    template: 'transfer_qualification_withdrawn',
    params: { number: withdrawn.number },
    dedupeKey: `application#${withdrawn.applicationId}#withdrawn`,
    attributes: { number: withdrawn.number, applicationId: withdrawn.applicationId },
  });
}

/**
 * The writes withdrawing `app` for the offer's end at `at` (or, for one that moved since: filed or changed
 * while the end committed, found later by the follow-up effect, at its last event, so its trail stays in
 * order) and recording its notice.
 */
function withdrawnFor(app: ApplicationRecord, offer: EndedOffer, at: string): NumberWrite[] {
  const last = app.events.at(-1)?.at;
  const when = last !== undefined && last > at ? last : at;
  const withdrawn = withdrawnForOfferEnd(app, offer.end, when);
  return [
    { kind: 'application', application: withdrawn, expectedVersion: app.version },
    { kind: 'effect', effect: withdrawalNotice(withdrawn, when) },
  ];
}

/**
 * The offer pending on `number` (before its end), or undefined for an offer made before offers had ids; an
 * acceptance names the approval it used.
 */
export function endedOffer(
  number: NumberRecord,
  end: OfferEnd,
  usedApplicationId?: string,
): EndedOffer | undefined {
  if (!number.transferOfferId || !number.transferTo) return undefined;
  return {
    tenantId: number.transferTo,
    number: number.number,
    offerId: number.transferOfferId,
    end,
    ...(usedApplicationId ? { usedApplicationId } : {}),
  };
}

/**
 * The writes that withdraw the offer's qualifications with its end, each with its notice: at most
 * MAX_WITHDRAWN_PER_COMMIT of them, and the recipient's hold on the number dropped.
 */
export async function offerEndWrites(
  deps: NumbersDeps,
  offer: EndedOffer | undefined,
  at: string,
): Promise<NumberWrite[]> {
  if (!offer) return [];
  const ending = await endingQualifications(deps, offer);
  return withdrawalWrites(deps, offer, ending.slice(0, MAX_WITHDRAWN_PER_COMMIT), at);
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

/**
 * `apps` withdrawn with their notices and, if one was still open, the recipient's hold on the number dropped:
 * it held the number through it (an approval no longer counts as a hold).
 */
async function withdrawalWrites(
  deps: NumbersDeps,
  offer: EndedOffer,
  apps: readonly ApplicationRecord[],
  at: string,
): Promise<NumberWrite[]> {
  if (apps.length === 0) return [];
  return [
    ...apps.flatMap((app) => withdrawnFor(app, offer, at)),
    ...(apps.some(isOpenQualification) ? [await holdConsumed(deps, offer.tenantId, offer.number, at)] : []),
  ];
}

/**
 * The follow-up effect: withdraws what the ended offer still leaves (open, or approved and unused), a commit
 * at a time, each with its notice, sent after its commit. Safe to run again: what is withdrawn is left alone,
 * and each write is conditioned on the version it read.
 */
export async function withdrawQualifications(
  deps: NumbersDeps,
  offer: EndedOffer,
  at: string,
): Promise<void> {
  for (;;) {
    const ending = await endingQualifications(deps, offer);
    if (ending.length === 0) return;
    const writes = await withdrawalWrites(deps, offer, ending.slice(0, MAX_WITHDRAWN_PER_COMMIT), at);
    await commitQualification(deps, writes, at);
  }
}
