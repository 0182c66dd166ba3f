/**
 * What the recipient is told when an offer's end withdraws its qualifications, and what becomes of its unused
 * approvals, on the local runtime (notifications queue, notifier, delivery records) with the test clock: the
 * demo tenant offers its number to bravo twice. The owner withdraws offer 1 while bravo has one approved, one
 * under review and one draft qualification for it: all three are withdrawn (the approval too: it can never be
 * used), and bravo gets one notice per qualification on each of its alert contacts, exactly once, although the
 * SMS provider fails one send for now and the number-effects job runs again later. On offer 2 bravo has two
 * approvals and accepts with one: that one stays approved, the other is withdrawn and notified. The notices
 * name the number only; the owner is told nothing of bravo's qualifications.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalApi } from '../support/local-api.js';
import { useTransferOfferWorld } from '../support/transfer-offer-world.js';

const { world, offer, file, submitted, expectWithdrawn } = useTransferOfferWorld('bravo-opening-0003');
let api: LocalApi;
let demo: string;
let bravo: string;
let operator: string;
let number: string;

const EMAIL = 'bravo-ops@example.com';
const PHONE = '+8613800000002';
const TEMPLATE = 'transfer_qualification_withdrawn';

beforeAll(async () => {
  ({ api, demo, bravo, operator, number } = world);
  const alerts = await api.put('/v1/account/alerts', { emails: [EMAIL], phones: [PHONE] }, bravo);
  expect(alerts.status).toBe(200);
});

const approved = async () => {
  const id = await submitted();
  const decision = await api.post(
    `/v1/review/applications/${id}/decision`,
    { decision: 'approve' },
    operator,
  );
  expect(decision.body).toMatchObject({ status: 'approved', numberStatus: 'transfer_pending' });
  return id;
};

interface OutboxMessage {
  template: string;
  kind: string;
  dedupeKey: string;
  params: Record<string, string>;
  subject: string;
  text: string;
  deliveries: { channel: string; to: string; text: string }[];
}

const outbox = async (tenantId: string): Promise<OutboxMessage[]> =>
  (await api.get(`/local/outbox?tenantId=${tenantId}`)).body.items;

/** Bravo's withdrawal notices: per dedupe key, every delivery made for it (across redeliveries). */
async function withdrawalDeliveries(): Promise<Record<string, string[]>> {
  const byKey: Record<string, string[]> = {};
  for (const m of (await outbox('bravo')).filter((m) => m.template === TEMPLATE)) {
    byKey[m.dedupeKey] = [...(byKey[m.dedupeKey] ?? []), ...m.deliveries.map((d) => `${d.channel} ${d.to}`)];
  }
  for (const key of Object.keys(byKey)) byKey[key]?.sort();
  return byKey;
}

const once = [`email ${EMAIL}`, `sms ${PHONE}`];
const keyOf = (id: string) => `application#${id}#withdrawn`;

describe('an offer’s end tells the recipient of each qualification it withdraws', () => {
  it('once per qualification, unused approvals included, naming the number only', async () => {
    // Offer 1: bravo has one approved, one under review and one draft.
    const offer1 = await offer();
    const approval = await approved();
    const underReview = await submitted();
    const draft = await file();
    expect((await outbox('bravo')).map((m) => m.template)).toContain('transfer_qualification_approved');

    // The SMS provider fails the next send to bravo's phone for now: the notifier redelivers to it alone.
    const faults = await api.post('/local/outbox/faults', { failNext: 1, to: PHONE });
    expect(faults.status).toBe(200);
    // The owner withdraws offer 1 a day later.
    await api.setClock('2026-12-02T02:00:00Z');
    expect(
      (await api.post(`/v1/numbers/${number}/transfer/decision`, { decision: 'decline' }, demo)).status,
    ).toBe(200);
    const ownerWithdrew = 'the owner withdrew the transfer offer this application was filed for';
    for (const id of [approval, underReview, draft])
      await expectWithdrawn(id, '2026-12-02T02:00:00.000Z', ownerWithdrew);
    // The approval no longer shows approved, to bravo or to the operators.
    const listed = (await api.get('/v1/applications', bravo)).body.items.filter(
      (a: { transferOfferId?: string }) => a.transferOfferId === offer1,
    );
    expect(listed.map((a: { status: string }) => a.status)).toEqual(['withdrawn', 'withdrawn', 'withdrawn']);
    const reviewed = await api.get(`/v1/review/applications/${approval}`, operator);
    expect(reviewed.body).toMatchObject({ status: 'withdrawn' });
    expect(reviewed.body.events.at(-1)).toMatchObject({ by: 'system', reasons: ['offer_ended'] });

    // One notice per qualification, each reaching the e-mail and the phone exactly once.
    expect(await withdrawalDeliveries()).toEqual({
      [keyOf(approval)]: once,
      [keyOf(underReview)]: once,
      [keyOf(draft)]: once,
    });
    const notices = (await outbox('bravo')).filter((m) => m.template === TEMPLATE);
    // The number only, as bravo reads it: nothing of who offered it.
    for (const m of notices) {
      expect(m).toMatchObject({ kind: 'application_decided', params: { number } });
      expect(m.subject).toBe('号码转入资质申请已撤回');
      expect(m.text).toBe(
        `400号码${number}的过户邀请已结束（已接受、拒绝或撤回），您为该邀请提交的一份转入资质申请已自动撤回，无需再处理。`,
      );
      for (const d of m.deliveries) expect(d.text).not.toContain('demo');
    }
    // Handed to the queue once each; the phone's failed send was redelivered once, nothing dead-lettered.
    const queue = (await api.get('/local/notifications/queue')).body;
    const handedOver = queue.sent
      .map(
        (s: { message: { notification: { template: string; dedupeKey: string } } }) => s.message.notification,
      )
      .filter((n: { template: string }) => n.template === TEMPLATE)
      .map((n: { dedupeKey: string }) => n.dedupeKey)
      .sort();
    expect(handedOver).toEqual([keyOf(approval), keyOf(underReview), keyOf(draft)].sort());
    expect(queue.stats.redelivered).toBe(1);
    expect(queue.deadLetters).toEqual([]);
    // The owner is told nothing of bravo's qualifications.
    expect((await outbox('demo')).filter((m) => m.template === TEMPLATE)).toEqual([]);

    // The number-effects job runs later: nothing is left to do, nobody is told twice.
    const job = await api.post('/local/jobs/number-effects', { at: '2026-12-03T01:00:00.000Z' });
    expect(job.status).toBe(200);
    expect(job.body.result).toMatchObject({ processed: 0, failed: 0 });
    expect(Object.values(await withdrawalDeliveries())).toEqual([once, once, once]);

    // Offer 2: bravo has two approvals and accepts with the first.
    await api.setClock('2026-12-03T02:00:00Z');
    const offer2 = await offer();
    const used = await approved();
    const spare = await approved();
    await api.setClock('2026-12-04T02:00:00Z');
    const accepted = await api.post(
      `/v1/numbers/${number}/transfer/decision`,
      { decision: 'accept', qualificationApplicationId: used },
      bravo,
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'active', transferred: true });
    // The approval used stays approved, unnotified; the spare one is withdrawn and notified once.
    const usedView = await api.get(`/v1/applications/${used}`, bravo);
    expect(usedView.body).toMatchObject({ status: 'approved', transferOfferId: offer2 });
    await expectWithdrawn(
      spare,
      '2026-12-04T02:00:00.000Z',
      'you accepted the transfer offer with another approved application',
    );
    expect(await withdrawalDeliveries()).toEqual({
      [keyOf(approval)]: once,
      [keyOf(underReview)]: once,
      [keyOf(draft)]: once,
      [keyOf(spare)]: once,
    });
    expect((await outbox('demo')).filter((m) => m.template === TEMPLATE)).toEqual([]);
  }, 90_000);
});
