import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/http/routes.js';
import { type LocalApi, payIn, startLocalApi, uploadDocument as upload } from '../support/local-api.js';

const DAY = 86_400_000;
let api: LocalApi;
let acme: string;
let globex: string;
let operator: string;

beforeAll(async () => {
  // A fixed day: the journey's jobs run at instants counted from the runtime's test clock, never the host's.
  api = await startLocalApi({ clockAt: '2026-11-23T02:00:00Z' });
  acme = await api.token('acme', ['tenant-admin']);
  globex = await api.token('globex', ['tenant-admin']);
  operator = await api.token(undefined, ['operator']);
}, 120_000);
afterAll(async () => api?.stop());

const uploadDocument = (applicationId: string, kind: string, expiresOn?: string, token = acme) =>
  upload(api, token, applicationId, kind, expiresOn);

const runJob = (name: string, at: Date) => api.post(`/local/jobs/${name}`, { at: at.toISOString() });

describe('numbers over HTTP on the local runtime', () => {
  it('seeds every segment with vanity numbers, and an active number for the demo tenant', async () => {
    for (const segment of ['4001', '4006', '4007', '4008']) {
      const res = await api.get(`/v1/numbers/available?segment=${segment}&tier=diamond`, acme);
      expect(res.body.items.length, segment).toBeGreaterThan(0);
    }
    const demo = await api.get('/v1/numbers', await api.token('demo', ['tenant-viewer']));
    expect(demo.body.items).toEqual([expect.objectContaining({ status: 'active', tier: 'standard' })]);
  });

  let number: string;
  let applicationId: string;

  it('walks the whole journey: search → … → available again after quarantine', async () => {
    // Search: gold 4008 numbers containing 8, best first, with prices.
    const found = await api.get('/v1/numbers/available?segment=4008&tier=gold&limit=5', acme);
    expect(found.status).toBe(200);
    expect(found.body.items.length).toBeGreaterThan(0);
    number = found.body.items[0].number;
    // Gold: a selection fee of 98,800 fen and the 50,000 first top-up make a 148,800 opening fee.
    expect(found.body.items[0].price).toMatchObject({
      selectionFee: 98_800,
      firstTopUp: 50_000,
      openingFee: 148_800,
    });

    expect((await api.post(`/v1/numbers/${number}/reservation`, undefined, acme)).status).toBe(201);
    expect((await api.post(`/v1/numbers/${number}/reservation`, undefined, globex)).status).toBe(409);

    const created = await api.post(
      '/v1/applications',
      {
        number,
        applicantType: 'individual',
        applicantName: 'Li Lei',
        industry: 'education',
        intendedUsage: 'Private tutoring enquiries',
        expectedMonthlyMinutes: 300,
        planId: 'basic',
      },
      acme,
    );
    expect(created.status).toBe(201);
    applicationId = created.body.applicationId;

    await uploadDocument(applicationId, 'id_card');
    const incomplete = await api.post(`/v1/applications/${applicationId}/submission`, undefined, acme);
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.details.missing).toEqual([{ item: 'income_proof', reason: 'missing' }]);
    await uploadDocument(applicationId, 'income_proof');
    expect((await api.post(`/v1/applications/${applicationId}/submission`, undefined, acme)).status).toBe(
      200,
    );

    const review = await api.get(`/v1/review/applications/${applicationId}`, operator);
    const idCard = review.body.documents.find((d: { kind: string }) => d.kind === 'id_card');
    const file = await api.get(idCard.download.url.replace(/^https?:\/\/[^/]+/, ''));
    expect(Buffer.from(file.body.contentBase64, 'base64').toString()).toBe('%PDF-1.7 id_card');
    const tenantView = await api.get(`/v1/applications/${applicationId}`, acme);
    expect(JSON.stringify(tenantView.body)).not.toMatch(/download|\/local\/documents/);
    const pending = await api.get('/v1/review/applications', operator);
    expect(pending.body.items.map((a: { applicationId: string }) => a.applicationId)).toContain(
      applicationId,
    );
    const rejected = await api.post(
      `/v1/review/applications/${applicationId}/decision`,
      { decision: 'reject', reasons: ['unreadable_id_image'] },
      operator,
    );
    expect(rejected.status).toBe(200);
    const seen = await api.get(`/v1/applications/${applicationId}`, acme);
    expect(seen.body.status).toBe('rejected');
    expect(seen.body.lastRejection.reasons).toEqual(['unreadable_id_image']);

    await uploadDocument(applicationId, 'id_card');
    expect((await api.post(`/v1/applications/${applicationId}/resubmission`, undefined, acme)).status).toBe(
      200,
    );
    // Approval needs the opening fee paid in: 100,000 is not enough, and says what is missing.
    await payIn(api, acme, 100_000, 'acme-opening-0001');
    const unfunded = await api.post(
      `/v1/review/applications/${applicationId}/decision`,
      { decision: 'approve' },
      operator,
    );
    expect(unfunded.status).toBe(402);
    expect(unfunded.body.error).toMatchObject({
      code: 'fees_not_funded',
      details: { due: 148_800, available: 100_000, missing: 48_800 },
    });
    expect((await api.get(`/v1/applications/${applicationId}`, acme)).body.status).toBe('submitted');
    await payIn(api, acme, 48_800, 'acme-opening-0002', 'wechat_pay');
    const approved = await api.post(
      `/v1/review/applications/${applicationId}/decision`,
      { decision: 'approve' },
      operator,
    );
    // 202: the activation ran in its worker, in-process on the local runtime, before the answer.
    expect(approved.status).toBe(202);
    expect(approved.body.numberStatus).toBe('active');
    expect(approved.body.activation).toMatchObject({ status: 'active', step: 'done', tries: 0 });
    const application = await api.get(`/v1/applications/${applicationId}`, acme);
    expect(application.body.activation).toMatchObject({ status: 'active', step: 'done' });
    expect(application.body.activation.lastError).toBeUndefined();
    // The selection fee is taken from what was paid in; the first top-up stays as call credit: no arrears.
    expect((await api.get('/v1/account', acme)).body).toMatchObject({
      balance: 50_000,
      owed: 0,
      status: 'active',
    });
    const fee = (await api.get('/v1/account/ledger', acme)).body.items.filter(
      (e: { kind: string }) => e.kind === 'opening_fee',
    );
    expect(fee).toEqual([expect.objectContaining({ amount: -98_800 })]);
    // No "service stopped" (the arrears alert) at activation.
    expect(
      (await api.get('/local/outbox?tenantId=acme')).body.items.map((m: { template: string }) => m.template),
    ).not.toContain('arrears');

    const mine = await api.get(`/v1/numbers/${number}`, acme);
    expect(mine.body).toMatchObject({
      status: 'active',
      restrictions: { noMultiLevelTransfer: true, recordingAnnouncementRequired: true },
    });
    const connect = await api.get('/local/connect');
    expect(connect.body.claims).toContainEqual(
      expect.objectContaining({ number400: number, accessNumber: mine.body.accessNumber, released: false }),
    );

    expect((await api.post(`/v1/numbers/${number}/suspension`, undefined, acme)).body.status).toBe(
      'suspended',
    );
    expect((await api.post(`/v1/numbers/${number}/resumption`, undefined, acme)).body.status).toBe('active');
    const cancelled = await api.post(`/v1/numbers/${number}/cancellation`, undefined, acme);
    expect(cancelled.status).toBe(202);
    const noticeEnd = new Date(Date.parse(cancelled.body.cancellationEffectiveAt) + 1000);

    expect((await runJob('number-cancellation-notice', noticeEnd)).body.result).toMatchObject({
      processed: 1,
    });
    // Its former owner still reads its own tenure and history, nothing of the number now.
    const former = await api.get(`/v1/numbers/${number}`, acme);
    expect(former.status).toBe(200);
    expect(former.body).toMatchObject({
      number,
      status: 'former',
      tenure: [{ to: cancelled.body.cancellationEffectiveAt }],
    });
    expect(former.body.history.map((h: { command: string }) => h.command)).toContain('request_cancellation');
    expect(former.body).not.toHaveProperty('accessNumber');
    expect((await api.post(`/v1/numbers/${number}/reservation`, undefined, globex)).status).toBe(409);

    const early = await runJob('number-quarantine', new Date(noticeEnd.getTime() + 89 * DAY));
    expect(early.body.result).toMatchObject({ processed: 0 });
    const released = await runJob('number-quarantine', new Date(noticeEnd.getTime() + 90 * DAY + 1000));
    expect(released.body.result).toMatchObject({ processed: 1 });
    const again = await api.get(`/v1/numbers/available?contains=${number}`, globex);
    expect(again.body.items.map((i: { number: string }) => i.number)).toEqual([number]);
    expect((await api.get('/local/connect')).body.claims).toContainEqual(
      expect.objectContaining({ number400: number, released: true }),
    );
  }, 60_000);

  it('never lets a tenant see or act on another tenant’s applications, documents or numbers', async () => {
    // acme holds a fresh number with a draft application.
    const found = await api.get('/v1/numbers/available?segment=4001&limit=1', acme);
    const held: string = found.body.items[0].number;
    expect((await api.post(`/v1/numbers/${held}/reservation`, undefined, acme)).status).toBe(201);
    const draft = await api.post(
      '/v1/applications',
      {
        number: held,
        applicantType: 'enterprise',
        applicantName: 'Acme',
        industry: 'retail',
        intendedUsage: 'Sales',
        expectedMonthlyMinutes: 100,
        planId: 'basic',
      },
      acme,
    );
    const app = draft.body.applicationId as string;
    const foreign: Record<string, { path: string; body?: unknown; status?: number }> = {
      // The inventory is public: a held number is simply unavailable (409), never whose it is.
      reserveNumber: { path: `/v1/numbers/${held}/reservation`, status: 409 },
      createApplication: {
        path: '/v1/applications',
        body: {
          number: held,
          applicantType: 'enterprise',
          applicantName: 'Globex',
          industry: 'retail',
          intendedUsage: 'Sales',
          expectedMonthlyMinutes: 1,
          planId: 'basic',
        },
      },
      getMyNumber: { path: `/v1/numbers/${held}` },
      releaseReservation: { path: `/v1/numbers/${held}/reservation` },
      suspendNumber: { path: `/v1/numbers/${held}/suspension` },
      resumeNumber: { path: `/v1/numbers/${held}/resumption` },
      requestCancellation: { path: `/v1/numbers/${held}/cancellation` },
      withdrawCancellation: { path: `/v1/numbers/${held}/cancellation` },
      requestTransfer: { path: `/v1/numbers/${held}/transfer`, body: { toTenantId: 'globex' } },
      decideTransfer: {
        path: `/v1/numbers/${held}/transfer/decision`,
        body: { decision: 'accept', applicantType: 'enterprise' },
      },
      getApplication: { path: `/v1/applications/${app}` },
      withdrawApplication: { path: `/v1/applications/${app}` },
      addApplicationDocument: {
        path: `/v1/applications/${app}/documents`,
        body: { kind: 'id_card', contentType: 'image/png' },
      },
      submitApplication: { path: `/v1/applications/${app}/submission` },
      resubmitApplication: { path: `/v1/applications/${app}/resubmission` },
    };
    for (const route of ROUTES.filter((r) => r.tag === 'numbers')) {
      const path = route.path.replace('{number}', held).replace('{id}', app);
      if (route.roles.includes('operator')) {
        const res = await api.request(route.method, path, {
          token: globex,
          body: route.method === 'GET' ? undefined : {},
        });
        expect(res.status, `${route.id} as a tenant`).toBe(403);
        continue;
      }
      const probe = foreign[route.id];
      if (!probe) continue; // collection routes: checked below
      const res = await api.request(route.method, probe.path, { token: globex, body: probe.body });
      expect(res.status, `${route.id} with acme's id`).toBe(probe.status ?? 404);
      expect(JSON.stringify(res.body)).not.toContain('acme');
    }
    expect(Object.keys(foreign).every((id) => ROUTES.some((r) => r.id === id))).toBe(true);
    // Collections only ever show the caller's own.
    expect((await api.get('/v1/applications', globex)).body.items).toEqual([]);
    expect(
      (await api.get('/v1/numbers', globex)).body.items.map((n: { number: string }) => n.number),
    ).not.toContain(held);
    // acme still holds it untouched.
    expect((await api.get(`/v1/numbers/${held}`, acme)).body.status).toBe('applied');
  }, 60_000);

  it('stops a number past the arrears grace, restores it on top-up, and transfers it to an individual', async () => {
    const initech = await api.token('initech', ['tenant-admin']);
    const found = await api.get('/v1/numbers/available?segment=4006&tier=gold&limit=1', initech);
    const gold: string = found.body.items[0].number;
    expect((await api.post(`/v1/numbers/${gold}/reservation`, undefined, initech)).status).toBe(201);
    const created = await api.post(
      '/v1/applications',
      {
        number: gold,
        applicantType: 'enterprise',
        applicantName: 'Initech',
        industry: 'technology',
        intendedUsage: 'Support line',
        expectedMonthlyMinutes: 500,
        planId: 'business',
      },
      initech,
    );
    const app = created.body.applicationId as string;
    await uploadDocument(app, 'business_licence', '2035-01-01', initech);
    await uploadDocument(app, 'legal_representative_id', undefined, initech);
    expect((await api.post(`/v1/applications/${app}/submission`, undefined, initech)).status).toBe(200);
    await payIn(api, initech, 148_800, 'initech-opening-0001');
    const approved = await api.post(
      `/v1/review/applications/${app}/decision`,
      { decision: 'approve' },
      operator,
    );
    expect(approved.body.numberStatus).toBe('active');
    expect((await api.get(`/v1/numbers/${gold}`, initech)).body.planId).toBe('business');

    // Funded: active with the first top-up as call credit. Then the tenant takes its money back (a refund of
    // all 50,000 left): in arrears, but the number keeps working through the grace.
    expect((await api.get('/v1/account', initech)).body).toMatchObject({ balance: 50_000, status: 'active' });
    const refund = await api.request('POST', '/v1/refunds', {
      token: initech,
      body: { amount: 50_000 },
      headers: { 'idempotency-key': 'initech-refund-0001' },
    });
    expect(refund.status).toBe(202);
    const account = await api.get('/v1/account', initech);
    expect(account.body).toMatchObject({ balance: 0, owed: 0, status: 'arrears' });
    const now = Date.parse((await api.get('/local/clock')).body.now);
    const firstSeen = new Date(now + 3_600_000);
    expect((await runJob('number-arrears', firstSeen)).body.result).toMatchObject({ stopped: 0 });
    expect((await api.get(`/v1/numbers/${gold}`, initech)).body.status).toBe('active');
    const afterGrace = new Date(firstSeen.getTime() + 3 * DAY + 60_000);
    expect((await runJob('number-arrears', afterGrace)).body.result).toMatchObject({
      stopped: 1,
      notified: 1,
    });
    expect((await runJob('number-arrears', afterGrace)).body.result).toMatchObject({
      processed: 0,
      notified: 0,
    });
    expect((await api.get(`/v1/numbers/${gold}`, initech)).body.status).toBe('arrears_stopped');
    const notices = (await api.get('/local/outbox?tenantId=initech')).body.items.filter(
      (m: { dedupeKey: string }) => m.dedupeKey.startsWith('arrears-stop#'),
    );
    expect(notices).toHaveLength(1);

    // A payment within the window brings it back.
    const order = await api.request('POST', '/v1/payments', {
      token: initech,
      body: { amount: account.body.owed + 10_000, channel: 'alipay' },
      headers: { 'idempotency-key': 'initech-arrears-0001' },
    });
    expect(order.status).toBe(201);
    expect((await api.post(`/local/payments/${order.body.orderId}/pay`, {})).status).toBe(200);
    expect((await api.get('/v1/account', initech)).body.status).toBe('active');
    // Restored by the payment itself, not an hour later; the arrears job then finds nothing left to do.
    expect((await api.get(`/v1/numbers/${gold}`, initech)).body.status).toBe('active');
    const later = new Date(afterGrace.getTime() + 3_600_000);
    expect((await runJob('number-arrears', later)).body.result).toMatchObject({ restored: 0 });
    expect((await api.get(`/v1/numbers/${gold}`, initech)).body.status).toBe('active');

    // Transfer to an individual: the number takes the new owner's restrictions and keeps its plan.
    // Offers go only to tenants that exist: globex has none until its first payment opens its account.
    const unknown = await api.post(`/v1/numbers/${gold}/transfer`, { toTenantId: 'globex' }, initech);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('tenant_not_found');
    const opening = await api.request('POST', '/v1/payments', {
      token: globex,
      body: { amount: 10_000, channel: 'alipay' },
      headers: { 'idempotency-key': 'globex-opening-0001' },
    });
    expect(opening.status).toBe(201);
    expect((await api.post(`/local/payments/${opening.body.orderId}/pay`, {})).status).toBe(200);
    expect((await api.post(`/v1/numbers/${gold}/transfer`, { toTenantId: 'globex' }, initech)).status).toBe(
      202,
    );
    // Declaring itself an applicant type skips nothing: the recipient qualifies like a new applicant.
    const declared = await api.post(
      `/v1/numbers/${gold}/transfer/decision`,
      { decision: 'accept', applicantType: 'enterprise' },
      globex,
    );
    expect(declared.status).toBe(400);
    expect(declared.body.error).toMatchObject({
      code: 'qualification_required',
      field: 'qualificationApplicationId',
    });
    const qualification = await api.post(
      '/v1/applications',
      {
        number: gold,
        applicantType: 'individual',
        applicantName: 'Han Meimei',
        industry: 'education',
        intendedUsage: 'Tutoring enquiries',
        expectedMonthlyMinutes: 300,
        planId: 'business',
      },
      globex,
    );
    expect(qualification.status).toBe(201);
    expect(qualification.body).toMatchObject({ transfer: true, selectionFee: 0 });
    const qualificationId = qualification.body.applicationId as string;
    await uploadDocument(qualificationId, 'id_card', undefined, globex);
    await uploadDocument(qualificationId, 'income_proof', undefined, globex);
    expect((await api.post(`/v1/applications/${qualificationId}/submission`, undefined, globex)).status).toBe(
      200,
    );
    const reviewed = await api.post(
      `/v1/review/applications/${qualificationId}/decision`,
      { decision: 'approve' },
      operator,
    );
    expect(reviewed.status).toBe(200);
    // Approving the qualification moves nothing: still the old owner's until the recipient accepts.
    expect(reviewed.body).toMatchObject({ status: 'approved', numberStatus: 'transfer_pending' });
    // The notice says the qualification passed and nothing to copy; the recipient accepts naming nothing.
    const notice = (await api.get('/local/outbox?tenantId=globex')).body.items.find(
      (m: { template: string }) => m.template === 'transfer_qualification_approved',
    );
    expect(notice.text).toBe(`您转入400号码${gold}的资质已审核通过，现在可以接受转让。`);
    expect(JSON.stringify(notice.deliveries)).not.toContain(qualificationId);
    const accepted = await api.post(`/v1/numbers/${gold}/transfer/decision`, { decision: 'accept' }, globex);
    expect(accepted.status).toBe(200);
    expect((await api.get(`/v1/numbers/${gold}`, globex)).body).toMatchObject({
      status: 'active',
      planId: 'business',
      restrictions: { noMultiLevelTransfer: true, recordingAnnouncementRequired: true },
    });
    // Nothing is left pending for the retry job.
    expect((await runJob('number-effects', later)).body.result).toMatchObject({ processed: 0, failed: 0 });
  }, 60_000);
});
