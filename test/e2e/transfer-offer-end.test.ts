/**
 * When a transfer offer ends, the recipient's qualifications still open for it are withdrawn with its end:
 * the demo tenant offers its number to bravo three times; the owner withdraws the first offer, bravo
 * declines the second and accepts the third. Each time what bravo filed and left open for that offer shows
 * `withdrawn` (reason `offer_ended`, by the system) and leaves the operators' queue; the approved
 * qualification bravo accepts with stays approved.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalApi } from '../support/local-api.js';
import { useTransferOfferWorld } from '../support/transfer-offer-world.js';

const { world, offer, file, submitted, expectWithdrawn } = useTransferOfferWorld('bravo-opening-0002');
let api: LocalApi;
let demo: string;
let bravo: string;
let operator: string;
let number: string;
beforeAll(() => {
  ({ api, demo, bravo, operator, number } = world);
});

const decide = (decision: 'accept' | 'decline', token: string) =>
  api.post(`/v1/numbers/${number}/transfer/decision`, { decision }, token);

const pendingIds = async () =>
  (await api.get('/v1/review/applications', operator)).body.items.map(
    (a: { applicationId: string }) => a.applicationId,
  );

const review = (id: string, body: Record<string, unknown>) =>
  api.post(`/v1/review/applications/${id}/decision`, body, operator);

describe('an ended offer withdraws the qualifications still open for it', () => {
  it('on the owner withdrawing, the recipient declining and the recipient accepting', async () => {
    // Offer 1: one qualification under review, one draft, one rejected awaiting its fix.
    const offer1 = await offer();
    const underReview = await submitted();
    const draft = await file();
    const rejected = await submitted();
    expect((await review(rejected, { decision: 'reject', reasons: ['other'], text: 'blurred' })).status).toBe(
      200,
    );
    expect(await pendingIds()).toContain(underReview);
    // While the offer stands, bravo's view says so.
    expect((await api.get(`/v1/applications/${underReview}`, bravo)).body.offerCurrent).toBe(true);

    // The owner withdraws offer 1 a day later.
    await api.setClock('2026-12-02T02:00:00Z');
    expect((await decide('decline', demo)).status).toBe(200);
    const ownerWithdrew = 'the owner withdrew the transfer offer this application was filed for';
    for (const id of [underReview, draft, rejected]) {
      await expectWithdrawn(id, '2026-12-02T02:00:00.000Z', ownerWithdrew);
    }
    expect(await pendingIds()).not.toContain(underReview);
    // Bravo's list shows them withdrawn, under the offer they were filed for.
    const listed = (await api.get('/v1/applications', bravo)).body.items.filter(
      (a: { transferOfferId?: string }) => a.transferOfferId === offer1,
    );
    expect(listed.map((a: { status: string }) => a.status)).toEqual(['withdrawn', 'withdrawn', 'withdrawn']);
    // The operators see who ended it on the number's history; the application says the system withdrew it.
    const operatorView = await api.get(`/v1/review/applications/${underReview}`, operator);
    expect(operatorView.body.events.at(-1)).toMatchObject({ by: 'system', reasons: ['offer_ended'] });
    // Withdrawn is final: no approval, no submission.
    const late = await review(underReview, { decision: 'approve' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('invalid_transition');
    const lateSubmission = await api.post(`/v1/applications/${draft}/submission`, undefined, bravo);
    expect(lateSubmission.status).toBe(409);

    // Offer 2: bravo files one, then declines the offer.
    await api.setClock('2026-12-03T02:00:00Z');
    await offer();
    const declinedOne = await submitted();
    await api.setClock('2026-12-04T02:00:00Z');
    expect((await decide('decline', bravo)).status).toBe(200);
    await expectWithdrawn(
      declinedOne,
      '2026-12-04T02:00:00.000Z',
      'you declined the transfer offer this application was filed for',
    );
    expect(await pendingIds()).not.toContain(declinedOne);

    // Offer 3: bravo qualifies, files two more (one under review, one draft) and accepts with the approval.
    await api.setClock('2026-12-05T02:00:00Z');
    const offer3 = await offer();
    const used = await submitted();
    expect((await review(used, { decision: 'approve' })).status).toBe(200);
    const another = await submitted();
    const anotherDraft = await file();
    await api.setClock('2026-12-06T02:00:00Z');
    const accepted = await decide('accept', bravo);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'active', transferred: true });
    const usedView = await api.get(`/v1/applications/${used}`, bravo);
    expect(usedView.body).toMatchObject({ status: 'approved', transferOfferId: offer3, offerCurrent: false });
    expect(usedView.body.events.at(-1).event).toBe('approved');
    const acceptedWithAnother = 'you accepted the transfer offer with another approved application';
    for (const id of [another, anotherDraft]) {
      await expectWithdrawn(id, '2026-12-06T02:00:00.000Z', acceptedWithAnother);
    }
    expect(await pendingIds()).not.toContain(another);
    // What offer 1 ended stays as offer 1 left it.
    await expectWithdrawn(underReview, '2026-12-02T02:00:00.000Z', ownerWithdrew);
  }, 90_000);
});
