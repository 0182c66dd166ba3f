/**
 * A transfer recipient's qualification counts for the offer it was filed under, and for no later offer of
 * the same number: the demo tenant offers its number to bravo, bravo qualifies, the offer is withdrawn and
 * made again; bravo's first approval no longer lets it accept, a review for the new offer does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  individualApplication,
  type LocalApi,
  payIn,
  startLocalApi,
  submitWithDocuments,
  uploadDocument,
} from '../support/local-api.js';

let api: LocalApi;
let demo: string;
let bravo: string;
let charlie: string;
let operator: string;

beforeAll(async () => {
  api = await startLocalApi({ clockAt: '2026-12-01T02:00:00Z' });
  demo = await api.token('demo', ['tenant-admin']);
  bravo = await api.token('bravo', ['tenant-admin']);
  charlie = await api.token('charlie', ['tenant-admin']);
  operator = await api.token(undefined, ['operator']);
  // Offers go only to tenants that exist: a first payment opens bravo's account.
  await payIn(api, bravo, 10_000, 'bravo-opening-0001');
}, 120_000);
afterAll(async () => api?.stop());

/** Bravo files, completes and has approved a qualification for the number; answers its id. */
async function qualify(number: string, name: string): Promise<{ applicationId: string; offer: string }> {
  const created = await api.post('/v1/applications', individualApplication(number, 'basic', name), bravo);
  expect(created.status).toBe(201);
  expect(created.body.transfer).toBe(true);
  const applicationId = created.body.applicationId as string;
  await submitWithDocuments(api, bravo, applicationId);
  // The operator's review shows the offer the qualification was filed for.
  const review = await api.get(`/v1/review/applications/${applicationId}`, operator);
  expect(review.status).toBe(200);
  expect(review.body.transferOfferId).toBe(created.body.transferOfferId);
  const approved = await api.post(
    `/v1/review/applications/${applicationId}/decision`,
    { decision: 'approve' },
    operator,
  );
  expect(approved.status).toBe(200);
  expect(approved.body).toMatchObject({ status: 'approved', numberStatus: 'transfer_pending' });
  return { applicationId, offer: created.body.transferOfferId as string };
}

const offer = async (number: string) => {
  const res = await api.post(`/v1/numbers/${number}/transfer`, { toTenantId: 'bravo' }, demo);
  expect(res.status).toBe(202);
  expect(res.body.transferOfferId).toMatch(/^offer_[0-9a-f-]{36}$/);
  return res.body.transferOfferId as string;
};

const accept = (number: string, body: Record<string, unknown> = {}, token = bravo) =>
  api.post(`/v1/numbers/${number}/transfer/decision`, { decision: 'accept', ...body }, token);

describe('transfer qualifications count for their own offer', () => {
  it('refuses an approval from an earlier offer and accepts with a review for the current one', async () => {
    const mine = await api.get('/v1/numbers', demo);
    const number = mine.body.items[0].number as string;
    expect(mine.body.items[0].status).toBe('active');

    // Offer 1: bravo qualifies for it (the application names the offer) and the operator approves.
    const offer1 = await offer(number);
    const first = await qualify(number, 'Zhao Lei');
    expect(first.offer).toBe(offer1);
    // The approval notice still carries the number only.
    const notices = (await api.get('/local/outbox?tenantId=bravo')).body.items.filter(
      (m: { template: string }) => m.template === 'transfer_qualification_approved',
    );
    expect(notices.map((m: { params: unknown }) => m.params)).toEqual([{ number }]);

    // Nobody else sees or uses bravo's qualification: the owner and a third tenant get plain 404s.
    for (const token of [demo, charlie]) {
      const read = await api.get(`/v1/applications/${first.applicationId}`, token);
      expect(read.status).toBe(404);
      expect(read.body.error.code).toBe('application_not_found');
      expect(JSON.stringify(read.body)).not.toContain(number);
      const listed = await api.get('/v1/applications', token);
      expect(JSON.stringify(listed.body)).not.toContain(first.applicationId);
      const used = await accept(number, { qualificationApplicationId: first.applicationId }, token);
      expect(used.status).toBe(404);
      expect(used.body.error.code).toBe('transfer_not_found');
      expect(JSON.stringify(used.body)).not.toContain(first.applicationId);
    }

    // Two more filed under offer 1: one waiting for review, one still a draft.
    const waiting = await api.post(
      '/v1/applications',
      individualApplication(number, 'basic', 'Zhao Lei'),
      bravo,
    );
    await submitWithDocuments(api, bravo, waiting.body.applicationId);
    const draft = await api.post(
      '/v1/applications',
      individualApplication(number, 'basic', 'Zhao Lei'),
      bravo,
    );
    // Complete: only the end of its offer stands in the way of its submission.
    await uploadDocument(api, bravo, draft.body.applicationId, 'id_card');
    await uploadDocument(api, bravo, draft.body.applicationId, 'income_proof');

    // The owner withdraws offer 1 and, a day later, makes offer 2 to bravo again.
    await api.setClock('2026-12-02T02:00:00Z');
    const withdrawn = await api.post(
      `/v1/numbers/${number}/transfer/decision`,
      { decision: 'decline' },
      demo,
    );
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'active', transferred: false });
    await api.setClock('2026-12-03T02:00:00Z');
    const offer2 = await offer(number);
    expect(offer2).not.toBe(offer1);

    // Bravo's approval was for offer 1: accepting offer 2 with it is refused, named or not.
    const unnamed = await accept(number);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error).toMatchObject({
      code: 'qualification_required',
      field: 'qualificationApplicationId',
    });
    expect(unnamed.body.error.message).toContain('earlier offer');
    const named = await accept(number, { qualificationApplicationId: first.applicationId });
    expect(named.status).toBe(400);
    expect(named.body.error).toMatchObject({
      code: 'qualification_not_for_this_transfer',
      field: 'qualificationApplicationId',
    });
    expect((await api.get(`/v1/numbers/${number}`, demo)).body).toMatchObject({
      status: 'transfer_pending',
      transferTo: 'bravo',
      transferOfferId: offer2,
    });
    // What was filed under offer 1 and still open went with it (test/e2e/transfer-offer-end.test.ts): withdrawn,
    // out of the review queue, never approved (an approval would tell bravo to accept an offer that is gone).
    for (const id of [waiting.body.applicationId, draft.body.applicationId]) {
      const seen = await api.get(`/v1/applications/${id}`, bravo);
      expect(seen.body).toMatchObject({ status: 'withdrawn', transferOfferId: offer1 });
      expect(seen.body.events.at(-1)).toMatchObject({ event: 'withdrawn', reasons: ['offer_ended'] });
    }
    const lateApproval = await api.post(
      `/v1/review/applications/${waiting.body.applicationId}/decision`,
      { decision: 'approve' },
      operator,
    );
    expect(lateApproval.status).toBe(409);
    expect(lateApproval.body.error.code).toBe('invalid_transition');
    const lateSubmission = await api.post(
      `/v1/applications/${draft.body.applicationId}/submission`,
      undefined,
      bravo,
    );
    expect(lateSubmission.status).toBe(409);
    expect(lateSubmission.body.error.code).toBe('invalid_transition');
    // Bravo's list shows which offer its approval was for, withdrawn with that offer: it can never be used.
    const listed = await api.get('/v1/applications', bravo);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({
        applicationId: first.applicationId,
        status: 'withdrawn',
        transferOfferId: offer1,
      }),
    );

    // A review for offer 2, and bravo accepts: the number is bravo's, with an individual's restrictions.
    await api.setClock('2026-12-04T02:00:00Z');
    const second = await qualify(number, 'Zhao Lei');
    expect(second.offer).toBe(offer2);
    await api.setClock('2026-12-05T02:00:00Z');
    const accepted = await accept(number);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'active', transferred: true });
    expect(accepted.body).not.toHaveProperty('transferOfferId');
    expect((await api.get(`/v1/numbers/${number}`, bravo)).body).toMatchObject({
      status: 'active',
      restrictions: { noMultiLevelTransfer: true, recordingAnnouncementRequired: true },
    });
    // The demo tenant keeps its own tenure, ending at the acceptance.
    const former = await api.get(`/v1/numbers/${number}`, demo);
    expect(former.body).toMatchObject({ status: 'former' });
    expect(former.body.tenure.at(-1).to).toBe('2026-12-05T02:00:00.000Z');
    expect(former.body).not.toHaveProperty('restrictions');
  }, 60_000);
});
