import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as addDocument } from '../../functions/api/applications/add-document.js';
import { handler as createApplication } from '../../functions/api/applications/create.js';
import { handler as getApplication } from '../../functions/api/applications/get.js';
import { handler as resubmit } from '../../functions/api/applications/resubmit.js';
import { handler as submit } from '../../functions/api/applications/submit.js';
import { handler as getNumber } from '../../functions/api/numbers/get-mine.js';
import { handler as listNumbers } from '../../functions/api/numbers/list-mine.js';
import { handler as cancel } from '../../functions/api/numbers/request-cancellation.js';
import { handler as reserve } from '../../functions/api/numbers/reserve.js';
import { handler as resume } from '../../functions/api/numbers/resume.js';
import { handler as suspend } from '../../functions/api/numbers/suspend.js';
import { handler as decide } from '../../functions/api/review/decide.js';
import { handler as listPending } from '../../functions/api/review/list-pending.js';
import { handler as noticeJobHandler } from '../../functions/jobs/number-cancellation-notice.js';
import { handler as quarantineJobHandler } from '../../functions/jobs/number-quarantine.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import type { LocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { tableName } from '../../shared/config.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import type { EventOptions } from '../support/api-events.js';
import { lambdaContext } from '../support/api-events.js';
import { account, ledgerItems } from '../support/ledger-items.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import { callApi, type Handler, importNumbers, openingFeeOf, payIn } from './numbers-support.js';

const noticeJob = (event: { at: string }) => noticeJobHandler(event, lambdaContext);
const quarantineJob = (event: { at: string }) => quarantineJobHandler(event, lambdaContext);

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-25T02:00:00Z');
const NUMBER = '4008168168';
const TENANT = 'acme';
let db: TestDatabase;
let docs: LocalDocuments;
let telephony: LocalTelephony;
let outbox: LocalNotifications;

const at = (ms: number) => new Date(T0 + ms);
const asTenant = (h: Handler, options: EventOptions = {}, tenantId = TENANT) =>
  callApi(h, { tenantId, roles: ['tenant-admin'], at: at(0), ...options });
const asOperator = (h: Handler, options: EventOptions = {}) =>
  callApi(h, { roles: ['operator'], at: at(0), ...options });

async function upload(applicationId: string, kind: string, extra: Record<string, string> = {}) {
  const res = await asTenant(addDocument, {
    path: { id: applicationId },
    body: { kind, contentType: 'application/pdf', ...extra },
  });
  expect(res.status).toBe(201);
  expect(res.body.upload.url).toMatch(/^\/local\/documents\//);
  const token = res.body.upload.url.split('/').at(-1);
  expect(await docs.receive(token, Buffer.from(`%PDF ${kind}`), 'application/pdf', at(0))).toEqual({
    status: 200,
  });
  return res.body.documentId as string;
}

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'numbers-docs-')));
  telephony = new LocalTelephony();
  outbox = useLocalNotifier().outbox;
  usePorts({ documents: docs, telephony });
  await importNumbers([NUMBER, '4008520520'], at(0).toISOString(), config);
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

describe('number journey through the handlers', () => {
  let applicationId: string;

  it('reserves and applies; an incomplete application is refused listing what is missing', async () => {
    expect((await asTenant(reserve, { path: { number: NUMBER } })).status).toBe(201);
    const created = await asTenant(createApplication, {
      body: {
        number: NUMBER,
        applicantType: 'enterprise',
        applicantName: 'Acme Trading Co., Ltd.',
        industry: 'medical',
        intendedUsage: 'Customer service hotline for clinic appointments',
        expectedMonthlyMinutes: 3000,
        planId: 'business',
        termMonths: 12,
      },
    });
    expect(created.status).toBe(201);
    applicationId = created.body.applicationId;
    expect((await getNumberItem(NUMBER))?.status).toBe('applied');

    await upload(applicationId, 'business_licence', { expiresOn: '2030-12-31' });
    const incomplete = await asTenant(submit, { path: { id: applicationId } });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.code).toBe('application_incomplete');
    expect(incomplete.body.error.details.missing.map((m: { item: string }) => m.item).sort()).toEqual([
      'industry_licence',
      'legal_representative_id',
    ]);
  });

  it('refuses a document registered but never uploaded, and an expired licence', async () => {
    await asTenant(addDocument, {
      path: { id: applicationId },
      body: { kind: 'legal_representative_id', contentType: 'image/png' },
    });
    await upload(applicationId, 'industry_licence', { expiresOn: '2026-01-01' });
    const res = await asTenant(submit, { path: { id: applicationId } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.missing).toEqual(
      expect.arrayContaining([
        { item: 'legal_representative_id', reason: 'not_uploaded' },
        { item: 'industry_licence', reason: 'expired' },
      ]),
    );
  });

  it('refuses document dates that are no calendar date or decades ahead, naming the field', async () => {
    for (const expiresOn of ['9999-99-99', '2026-02-30', '2090-01-01']) {
      const res = await asTenant(addDocument, {
        path: { id: applicationId },
        body: { kind: 'industry_licence', contentType: 'application/pdf', expiresOn },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('expiresOn');
    }
  });

  it('submits once complete; documents are listed without any URL or key', async () => {
    await upload(applicationId, 'legal_representative_id');
    await upload(applicationId, 'industry_licence', { expiresOn: '2029-06-30' });
    const res = await asTenant(submit, { path: { id: applicationId } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('submitted');
    const view = await asTenant(getApplication, { path: { id: applicationId } });
    expect(JSON.stringify(view.body)).not.toMatch(/applications\/acme|objectKey|url/i);
    // What arrived in storage shows uploaded (issue 13: documents showed uploaded: false after upload); the
    // document registered and never uploaded in the test above still says false.
    const uploaded = view.body.documents.map((d: { uploaded: boolean }) => d.uploaded);
    expect(uploaded.filter(Boolean)).toHaveLength(4);
    expect(uploaded.filter((u: boolean) => !u)).toHaveLength(1);
    const pending = await asOperator(listPending);
    expect(pending.body.items.map((a: { applicationId: string }) => a.applicationId)).toContain(
      applicationId,
    );
  });

  it('rejects with catalogue reasons; the tenant sees them and resubmits', async () => {
    const bad = await asOperator(decide, {
      path: { id: applicationId },
      body: { decision: 'reject', reasons: ['other'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('text');
    const res = await asOperator(decide, {
      path: { id: applicationId },
      body: { decision: 'reject', reasons: ['unreadable_id_image', 'other'], text: 'ID photo is blurred' },
    });
    expect(res.status).toBe(200);
    // Operators' own review routes keep who decided.
    expect(res.body.events.at(-1)).toMatchObject({ event: 'rejected', by: 'user-1' });
    expect((await getNumberItem(NUMBER))?.status).toBe('rejected');
    const seen = await asTenant(getApplication, { path: { id: applicationId } });
    expect(seen.body.lastRejection).toMatchObject({
      reasons: ['unreadable_id_image', 'other'],
      text: 'ID photo is blurred',
    });
    expect(outbox.sent(TENANT).some((m) => m.kind === 'application_decided')).toBe(true);
    // Not pending any more, and a second decision is a 409.
    expect((await asOperator(listPending)).body.items).toHaveLength(0);
    const again = await asOperator(decide, {
      path: { id: applicationId },
      body: { decision: 'reject', reasons: ['other'], text: 'x' },
    });
    expect(again.status).toBe(409);

    await upload(applicationId, 'legal_representative_id');
    const resubmitted = await asTenant(resubmit, { path: { id: applicationId } });
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.events.map((e: { event: string }) => e.event)).toEqual([
      'created',
      'submitted',
      'rejected',
      'resubmitted',
    ]);
    // The tenant sees "operator", never the operator's identity (the token's sub, user-1 here).
    const byOf = (events: { event: string; by: string }[]) => events.map((e) => `${e.event}:${e.by}`);
    expect(byOf(resubmitted.body.events)).toEqual([
      'created:acme',
      'submitted:acme',
      'rejected:operator',
      'resubmitted:acme',
    ]);
    const mine = await asTenant(getNumber, { path: { number: NUMBER } });
    expect(
      mine.body.history.map((h: { command: string; actor: string }) => `${h.command}:${h.actor}`),
    ).toEqual(expect.arrayContaining(['reject:operator']));
    expect(JSON.stringify([resubmitted.body, mine.body])).not.toContain('user-1');
    expect((await getNumberItem(NUMBER))?.status).toBe('applied');
  });

  it('a double-submitted approval charges the opening fee once and activates in Connect', async () => {
    // A gold number: 98,800 selection fee + 50,000 first top-up paid in first.
    await payIn(TENANT, 148_800, at(0).toISOString());
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        asOperator(decide, { path: { id: applicationId }, body: { decision: 'approve' } }),
      ),
    );
    // 202: accepted, the activation runs in its worker (here inline, as on npm start).
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    const number = await getNumberItem(NUMBER);
    expect(number).toMatchObject({ status: 'active', tenantId: TENANT });
    expect(number?.restrictions).toEqual({
      noMultiLevelTransfer: false,
      recordingAnnouncementRequired: false,
    });
    expect(telephony.state.claims.filter((c) => c.number400 === NUMBER)).toHaveLength(1);
    expect(telephony.state.flowBindings[number?.phoneNumberId as string]).toBeDefined();

    const ledger = await dynamo().send(
      new QueryCommand({
        TableName: tableName('ledger'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':pk': `ACCT#${TENANT}`, ':s': 'LEDGER#opening#' },
      }),
    );
    // One entry: the selection fee debited; the first top-up stays on the balance (no credit of its own).
    expect((ledger.Items ?? []).map((i) => [i.kind, i.amount])).toEqual([['opening_fee', -98_800]]);
    expect((await account(TENANT)).balance).toBe(50_000);
    const snapshot = await dynamo().send(
      new GetCommand({
        TableName: tableName('routing'),
        Key: { pk: `ACCESS#${number?.accessNumber}`, sk: 'SNAPSHOT' },
      }),
    );
    expect(snapshot.Item).toMatchObject({ number400: NUMBER, tenantId: TENANT, numberStatus: 'active' });
    const contract = await dynamo().send(
      new GetCommand({
        TableName: tableName('numbers'),
        Key: { pk: `NUM#${NUMBER}`, sk: `CONTRACT#${number?.contractId}` },
      }),
    );
    expect(contract.Item).toMatchObject({
      planId: 'business',
      termMonths: 12,
      autoRenew: true,
      tenantId: TENANT,
    });
  });

  it('rolls the activation back when Connect keeps failing, and a repeated approval finishes the job', async () => {
    await importNumbers(['4008000777'], at(0).toISOString(), config);
    await asTenant(reserve, { path: { number: '4008000777' } }, 'initech');
    const created = await asTenant(
      createApplication,
      {
        body: {
          number: '4008000777',
          applicantType: 'individual',
          applicantName: 'Peter',
          industry: 'technology',
          intendedUsage: 'Support line',
          expectedMonthlyMinutes: 50,
          planId: 'basic',
        },
      },
      'initech',
    );
    const id = created.body.applicationId;
    for (const kind of ['id_card', 'income_proof']) {
      const doc = await asTenant(
        addDocument,
        { path: { id }, body: { kind, contentType: 'image/png' } },
        'initech',
      );
      await docs.receive(doc.body.upload.url.split('/').at(-1), Buffer.from('png'), undefined, at(0));
    }
    expect((await asTenant(submit, { path: { id } }, 'initech')).status).toBe(200);
    await payIn('initech', await openingFeeOf('4008000777', config), at(0).toISOString());
    // Connect fails every one of the worker's 10 tries: the activation is rolled back, nothing claimed.
    telephony.failNext('claimAccessNumber', 'ServiceQuotaExceededException', 10);
    const failed = await asOperator(decide, { path: { id }, body: { decision: 'approve' } });
    expect(failed.status).toBe(202);
    expect(failed.body).toMatchObject({
      status: 'approved',
      numberStatus: 'approved',
      activation: { status: 'failed', tries: 10, generation: 0 },
    });
    expect((await getNumberItem('4008000777'))?.status).toBe('approved');
    expect(telephony.state.claims.filter((c) => c.number400 === '4008000777')).toEqual([]);
    // The operator approves again: the next generation of the activation claims and activates.
    const retried = await asOperator(decide, { path: { id }, body: { decision: 'approve' } });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({
      numberStatus: 'active',
      activation: { status: 'active', step: 'done', tries: 0, generation: 1 },
    });
    expect(await getNumberItem('4008000777')).toMatchObject({
      status: 'active',
      restrictions: { noMultiLevelTransfer: true, recordingAnnouncementRequired: true },
    });
    const charged = await dynamo().send(
      new QueryCommand({
        TableName: tableName('ledger'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':pk': 'ACCT#initech', ':s': `LEDGER#opening#${id}` },
      }),
    );
    expect(charged.Items).toHaveLength(1);
  });

  it('suspends and resumes, keeping the routing snapshot in step', async () => {
    const s = await asTenant(suspend, { path: { number: NUMBER }, at: at(DAY) });
    expect(s.status).toBe(200);
    expect(s.body.status).toBe('suspended');
    const accessNumber = (await getNumberItem(NUMBER))?.accessNumber;
    const snap = async () =>
      (
        await dynamo().send(
          new GetCommand({
            TableName: tableName('routing'),
            Key: { pk: `ACCESS#${accessNumber}`, sk: 'SNAPSHOT' },
          }),
        )
      ).Item?.numberStatus;
    expect(await snap()).toBe('suspended');
    expect((await asTenant(suspend, { path: { number: NUMBER }, at: at(DAY) })).status).toBe(409);
    const r = await asTenant(resume, { path: { number: NUMBER }, at: at(5 * DAY) });
    expect(r.body.status).toBe('active');
    expect(await snap()).toBe('active');
  });

  it('cancels after the notice period, settles, refunds, quarantines and releases', async () => {
    // Paid a day after the opening fee (refunds go oldest payment first), enough for the early termination.
    await payIn(TENANT, 500_000, at(DAY).toISOString(), 'wechat_pay');
    const c = await asTenant(cancel, { path: { number: NUMBER }, at: at(10 * DAY) });
    expect(c.status).toBe(202);
    expect(c.body.status).toBe('cancellation_requested');
    // The notice job before the notice ends changes nothing.
    expect(await noticeJob({ at: at(39 * DAY).toISOString() })).toMatchObject({ processed: 0 });
    const noticeEnd = at(10 * DAY + config.cancellationNoticeDays * DAY).toISOString();
    expect(await noticeJob({ at: noticeEnd })).toMatchObject({ processed: 1, failed: 0 });
    expect(await noticeJob({ at: noticeEnd })).toMatchObject({ processed: 0 });
    const number = await getNumberItem(NUMBER);
    expect(number?.status).toBe('quarantined');
    expect(number?.tenantId).toBeUndefined();
    expect(telephony.state.claims.find((c) => c.number400 === NUMBER)?.released).toBe(true);

    // Settled first: January's rent up to the end of service (3 of 31 days of the 4008 business plan),
    // posted under billing's own key so the monthly run finds it already there.
    const rent = await dynamo().send(
      new GetCommand({
        TableName: tableName('ledger'),
        Key: { pk: `ACCT#${TENANT}`, sk: `LEDGER#${TENANT}#${NUMBER}#2027-01#monthly_rent` },
      }),
    );
    const planRent = config.tariffs['4008'].plans.find((p) => p.id === 'business')?.monthlyRent ?? 0;
    expect(rent.Item?.amount).toBe(-Math.floor((2 * planRent * 3 + 31) / 62));
    // Cancelled inside the 12-month term (25 Nov 2026 → 25 Nov 2027), service ending 4 Jan 2027: the rent of
    // February to November 2027 is due, 10 × ¥264.00 (4008 business) = 264,000 fen.
    expect(planRent).toBe(26_400);
    const early = await dynamo().send(
      new GetCommand({
        TableName: tableName('ledger'),
        Key: { pk: `ACCT#${TENANT}`, sk: `LEDGER#${TENANT}#${NUMBER}#2027-01#early_termination` },
      }),
    );
    expect(early.Item?.amount).toBe(-264_000);
    const account = await dynamo().send(
      new GetCommand({ TableName: tableName('ledger'), Key: { pk: `ACCT#${TENANT}`, sk: 'ACCOUNT' } }),
    );
    expect(account.Item?.balance).toBe(0);
    // Refunded through payments, oldest first: 148,800 + 500,000 paid in; 98,800 selection fee, 2,555 rent and
    // 264,000 early termination spent, so the first payment (148,800) goes back whole and the second
    // 500,000 − 98,800 − 2,555 − 264,000 = 134,645.
    const refunds = (await ledgerItems(TENANT)).filter((e) => e.kind === 'refund');
    expect(refunds.map((e) => e.amount).sort((a, b) => a - b)).toEqual([-148_800, -134_645]);

    // No longer its own: the old owner reads its tenure and its own history, nothing of the number now.
    const former = await asTenant(getNumber, { path: { number: NUMBER }, at: at(41 * DAY) });
    expect(former.status).toBe(200);
    expect(former.body).toMatchObject({ number: NUMBER, status: 'former' });
    expect(former.body).not.toHaveProperty('quarantineUntil');

    const quarantineEnd = Date.parse(number?.quarantineUntil as string);
    expect(await quarantineJob({ at: new Date(quarantineEnd - 1).toISOString() })).toMatchObject({
      processed: 0,
    });
    expect(await quarantineJob({ at: new Date(quarantineEnd).toISOString() })).toMatchObject({
      processed: 1,
    });
    expect(await quarantineJob({ at: new Date(quarantineEnd).toISOString() })).toMatchObject({
      processed: 0,
    });
    expect((await getNumberItem(NUMBER))?.status).toBe('available');
  });

  it('shows a tenant only its own numbers and history', async () => {
    const other = '4008520520';
    await asTenant(reserve, { path: { number: other } }, 'globex');
    expect(
      (await asTenant(listNumbers, {}, 'globex')).body.items.map((n: { number: string }) => n.number),
    ).toEqual([other]);
    expect((await asTenant(getNumber, { path: { number: other } })).status).toBe(404);
    const mine = await asTenant(getNumber, { path: { number: other } }, 'globex');
    expect(mine.body.history.map((h: { command: string }) => h.command)).toEqual(['reserve']);
  });
});
