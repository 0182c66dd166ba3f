import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as withdraw } from '../../functions/api/applications/withdraw.js';
import { handler as decideTransfer } from '../../functions/api/numbers/decide-transfer.js';
import { handler as getNumber } from '../../functions/api/numbers/get-mine.js';
import { handler as requestTransfer } from '../../functions/api/numbers/request-transfer.js';
import { handler as suspend } from '../../functions/api/numbers/suspend.js';
import { handler as draftJobHandler } from '../../functions/jobs/number-draft-expiry.js';
import { handler as holdJobHandler } from '../../functions/jobs/number-hold-expiry.js';
import { handler as retentionJobHandler } from '../../functions/jobs/number-retention-expiry.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import type { LocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { tableName } from '../../shared/config.js';
import { renderSms, smsParams } from '../../shared/domain/notifications/templates.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import type { EventOptions } from '../support/api-events.js';
import { lambdaContext } from '../support/api-events.js';
import { ledgerItems } from '../support/ledger-items.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import {
  activateNumber,
  addDocument,
  applyWithDocuments,
  approveApplication,
  callApi,
  createApplication,
  type Handler,
  importNumbers,
  openingFeeOf,
  payIn,
  qualifyForTransfer,
  rejectApplication,
  reserveNumber,
  submitApplication,
  submitNumberApplication,
} from './numbers-support.js';

const draftJob = (event: { at: string }) => draftJobHandler(event, lambdaContext);
const holdJob = (event: { at: string }) => holdJobHandler(event, lambdaContext);
const retentionJob = (event: { at: string }) => retentionJobHandler(event, lambdaContext);

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
let db: TestDatabase;
let docs: LocalDocuments;
let outbox: LocalNotifications;

const as = (tenantId: string, h: Handler, options: EventOptions = {}) =>
  callApi(h, { tenantId, roles: ['tenant-admin'], at: new Date(T0), ...options });

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'numbers-life-')));
  outbox = useLocalNotifier().outbox;
  usePorts({ documents: docs, telephony: new LocalTelephony() });
  await importNumbers(
    ['4007111111', '4007222222', '4007555555', '4007777777', '4007888888', '4007666666'],
    iso(0),
    config,
  );
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

describe('hold expiry job', () => {
  it('returns expired holds to the pool and frees the tenant slot, once', async () => {
    await reserveNumber('4007555555', 'sweeper', iso(0), config);
    expect(await holdJob({ at: iso(config.holdMinutes * 60_000 - 1) })).toMatchObject({ processed: 0 });
    const after = iso(config.holdMinutes * 60_000);
    expect(await holdJob({ at: after })).toMatchObject({ processed: 1, failed: 0 });
    expect(await holdJob({ at: after })).toMatchObject({ processed: 0 });
    expect(await getNumberItem('4007555555')).toMatchObject({ status: 'available' });
    const holds = await dynamo().send(
      new GetCommand({ TableName: tableName('numbers'), Key: { pk: 'TENANT#sweeper', sk: 'HOLDS' } }),
    );
    expect(holds.Item?.holds).toEqual({});
  });
});

describe('withdrawal', () => {
  it('gives a draft application up and the number back to the pool', async () => {
    await importNumbers(['4007666666'], iso(0), config);
    await reserveNumber('4007666666', 'quitter', iso(0), config);
    const app = await createApplication(
      'quitter',
      {
        number: '4007666666',
        applicantType: 'enterprise',
        applicantName: 'Quitter',
        industry: 'retail',
        intendedUsage: 'sales',
        expectedMonthlyMinutes: 10,
        planId: 'basic',
      },
      iso(0),
      config,
    );
    expect((await as('other', withdraw, { path: { id: app.applicationId } })).status).toBe(404);
    const res = await as('quitter', withdraw, { path: { id: app.applicationId } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('withdrawn');
    expect(await getNumberItem('4007666666')).toMatchObject({ status: 'available' });
    expect((await as('quitter', withdraw, { path: { id: app.applicationId } })).status).toBe(409);
  });
});

describe('draft applications', () => {
  it('count toward the hold limit until submitted, and expire back to the pool', async () => {
    const numbers = ['4001700001', '4001700002', '4001700003', '4001700004', '4001700005', '4001700006'];
    await importNumbers(numbers, iso(0), config);
    await reserveNumber('4001700001', 'drafter', iso(0), config);
    const draft = await createApplication(
      'drafter',
      {
        number: '4001700001',
        applicantType: 'enterprise',
        applicantName: 'Drafter',
        industry: 'retail',
        intendedUsage: 'sales',
        expectedMonthlyMinutes: 10,
        planId: 'basic',
      },
      iso(0),
      config,
    );
    for (const n of numbers.slice(1, config.holdLimit)) await reserveNumber(n, 'drafter', iso(0), config);
    await expect(reserveNumber('4001700006', 'drafter', iso(0), config)).rejects.toMatchObject({
      code: 'hold_limit_reached',
    });
    const draftEnd = T0 + config.draftApplicationDays * DAY;
    expect(await draftJob({ at: new Date(draftEnd - 1).toISOString() })).toMatchObject({ processed: 0 });
    expect(await draftJob({ at: new Date(draftEnd).toISOString() })).toMatchObject({ processed: 1 });
    expect(await draftJob({ at: new Date(draftEnd).toISOString() })).toMatchObject({ processed: 0 });
    expect(await getNumberItem('4001700001')).toMatchObject({ status: 'available' });
    const app = await dynamo().send(
      new GetCommand({
        TableName: tableName('numbers'),
        Key: { pk: `APP#${draft.applicationId}`, sk: 'APPLICATION' },
      }),
    );
    expect(app.Item?.status).toBe('withdrawn');
  });

  it('counts numbers under review or rejected toward the hold limit, until an approval makes one the tenant’s', async () => {
    const numbers = Array.from({ length: config.holdLimit + 1 }, (_, i) => `400172000${i}`);
    await importNumbers(numbers, iso(0), config);
    const applications = [];
    for (const n of numbers.slice(0, config.holdLimit)) {
      applications.push(await submitNumberApplication(n, 'hoarder', iso(0), config, docs));
    }
    const extra = numbers[config.holdLimit] as string;
    await expect(reserveNumber(extra, 'hoarder', iso(0), config)).rejects.toMatchObject({
      code: 'hold_limit_reached',
    });
    const [rejected, approved] = applications as unknown as [
      { applicationId: string },
      { applicationId: string },
    ];
    await rejectApplication(rejected.applicationId, { reasons: ['expired_licence'] }, 'op', iso(1), config);
    await expect(reserveNumber(extra, 'hoarder', iso(2), config)).rejects.toMatchObject({
      code: 'hold_limit_reached',
    });
    await payIn('hoarder', await openingFeeOf(numbers[1] as string, config), iso(3));
    await approveApplication(approved.applicationId, 'op', iso(3), config);
    expect(await reserveNumber(extra, 'hoarder', iso(4), config)).toMatchObject({ number: extra });
    // Withdrawn, the rejected number is back in the pool (and off the draft-expiry job's list).
    expect((await as('hoarder', withdraw, { path: { id: rejected.applicationId } })).status).toBe(200);
  });
});

describe('rejected applications', () => {
  it('expire like drafts when never fixed', async () => {
    await importNumbers(['4001700009'], iso(0), config);
    await reserveNumber('4001700009', 'slow', iso(0), config);
    const app = await createApplication(
      'slow',
      {
        number: '4001700009',
        applicantType: 'individual',
        applicantName: 'Slow',
        industry: 'retail',
        intendedUsage: 'sales',
        expectedMonthlyMinutes: 10,
        planId: 'basic',
      },
      iso(0),
      config,
    );
    for (const kind of ['id_card', 'income_proof'] as const) {
      const doc = await addDocument('slow', app.applicationId, { kind, contentType: 'image/png' }, iso(0));
      await docs.receive(
        doc.upload.url.split('/').at(-1) as string,
        Buffer.from('png'),
        undefined,
        new Date(T0),
      );
    }
    await submitApplication('slow', app.applicationId, iso(0), config);
    // Submitted applications never expire, however long review takes.
    expect(await draftJob({ at: iso(30 * DAY) })).toMatchObject({ processed: 0 });
    await rejectApplication(app.applicationId, { reasons: ['expired_licence'] }, 'op', iso(30 * DAY), config);
    const due = 30 * DAY + config.draftApplicationDays * DAY;
    expect(await draftJob({ at: iso(due - 1) })).toMatchObject({ processed: 0 });
    expect(await draftJob({ at: iso(due) })).toMatchObject({ processed: 1 });
    expect(await getNumberItem('4001700009')).toMatchObject({ status: 'available' });
  });
});

describe('transfer', () => {
  it('needs both tenants, settles the old owner first and gives the new owner a contract', async () => {
    await activateNumber('4007111111', 'seller', iso(0), config, docs);
    // Offers go only to tenants that exist (have an account): a made-up id is a 404 and changes nothing.
    const nobody = await as('seller', requestTransfer, {
      path: { number: '4007111111' },
      body: { toTenantId: 'nobody' },
    });
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.code).toBe('tenant_not_found');
    expect((await getNumberItem('4007111111'))?.status).toBe('active');
    await dynamo().send(
      new PutCommand({
        TableName: tableName('ledger'),
        Item: { pk: 'ACCT#buyer', sk: 'ACCOUNT', type: 'account', balance: 0, version: 1 },
      }),
    );
    const offered = await as('seller', requestTransfer, {
      path: { number: '4007111111' },
      body: { toTenantId: 'buyer' },
    });
    expect(offered.status).toBe(202);
    expect(offered.body.status).toBe('transfer_pending');
    // A third tenant cannot take it; the buyer cannot read it before accepting.
    expect(
      (
        await as('thief', decideTransfer, {
          path: { number: '4007111111' },
          body: { decision: 'accept', applicantType: 'enterprise' },
        })
      ).status,
    ).toBe(404);
    expect((await as('buyer', getNumber, { path: { number: '4007111111' } })).status).toBe(404);

    expect((await getNumberItem('4007111111'))?.planId).toBe('basic');
    // The buyer cannot declare who it is and skip review: accepting takes a reviewed qualification.
    for (const body of [{ decision: 'accept' }, { decision: 'accept', applicantType: 'enterprise' }]) {
      const declared = await as('buyer', decideTransfer, {
        path: { number: '4007111111' },
        body,
        at: new Date(T0 + 40 * DAY),
      });
      expect(declared.status).toBe(400);
      expect(declared.body.error).toMatchObject({
        code: 'qualification_required',
        field: 'qualificationApplicationId',
      });
    }
    expect((await getNumberItem('4007111111'))?.status).toBe('transfer_pending');

    // It applies for the offered number as an individual, with its documents; until an operator approves,
    // accepting is refused and the number stays the seller's.
    const draft = await createApplication(
      'buyer',
      {
        number: '4007111111',
        applicantType: 'individual',
        applicantName: 'Wang Fang',
        industry: 'retail',
        intendedUsage: 'Shop enquiries',
        expectedMonthlyMinutes: 200,
        planId: 'basic',
      },
      iso(DAY),
      config,
    );
    expect(draft).toMatchObject({ transfer: true, selectionFee: 0, status: 'draft' });
    const early = await as('buyer', decideTransfer, {
      path: { number: '4007111111' },
      body: { decision: 'accept', qualificationApplicationId: draft.applicationId },
      at: new Date(T0 + 40 * DAY),
    });
    expect(early.body.error).toMatchObject({ code: 'qualification_not_approved' });
    expect((await getNumberItem('4007111111'))?.status).toBe('transfer_pending');
    await withdrawQualification('buyer', draft.applicationId);
    expect(await getNumberItem('4007111111')).toMatchObject({
      status: 'transfer_pending',
      tenantId: 'seller',
    });
    const qualification = await qualifyForTransfer(
      '4007111111',
      'buyer',
      iso(2 * DAY),
      config,
      docs,
      'individual',
    );
    expect(qualification.status).toBe('approved');
    // The approval notice fits an SMS whole: nothing clipped, and no application id to type (an id is 40
    // characters, an SMS parameter at most 35); accepting needs none.
    const notice = outbox.sent('buyer').filter((m) => m.template === 'transfer_qualification_approved');
    expect(notice).toHaveLength(1);
    const [approvedNotice] = notice;
    if (!approvedNotice) throw new Error('no approval notice');
    expect(Object.values(smsParams(approvedNotice.template, approvedNotice.params)).join('')).not.toContain(
      '…',
    );
    expect(approvedNotice.text).toBe('您转入400号码4007111111的资质已审核通过，现在可以接受转让。');
    const sms = renderSms('四零零热线', approvedNotice.template, approvedNotice.params);
    for (const text of [approvedNotice.subject, approvedNotice.text, sms])
      expect(text).not.toContain(qualification.applicationId);
    // Approving the qualification moves nothing and charges nothing.
    expect(await getNumberItem('4007111111')).toMatchObject({
      status: 'transfer_pending',
      tenantId: 'seller',
    });

    const accepted = await as('buyer', decideTransfer, {
      path: { number: '4007111111' },
      body: { decision: 'accept', qualificationApplicationId: qualification.applicationId },
      at: new Date(T0 + 40 * DAY),
    });
    expect(accepted.status).toBe(200);
    const item = await getNumberItem('4007111111');
    // The enterprise seller's number now carries the individual buyer's restrictions, and keeps its plan.
    expect(item).toMatchObject({
      status: 'active',
      tenantId: 'buyer',
      planId: 'basic',
      restrictions: { noMultiLevelTransfer: true, recordingAnnouncementRequired: true },
    });
    // The seller reads its own tenure (to the acceptance) and nothing of the buyer's number.
    const former = await as('seller', getNumber, { path: { number: '4007111111' } });
    expect(former.status).toBe(200);
    expect(former.body).toMatchObject({ status: 'former', tenure: [{ to: expect.any(String) }] });
    expect(former.body).not.toHaveProperty('restrictions');

    const contracts = await dynamo().send(
      new QueryCommand({
        TableName: tableName('numbers'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':pk': 'NUM#4007111111', ':c': 'CONTRACT#' },
      }),
    );
    const byTenant = Object.fromEntries((contracts.Items ?? []).map((c) => [c.tenantId, c]));
    expect(byTenant.seller).toMatchObject({ serviceTo: '2027-01-04', status: 'ended' });
    expect(byTenant.buyer).toMatchObject({
      serviceFrom: '2027-01-04',
      status: 'active',
      planId: 'basic',
      applicantType: 'individual',
      qualificationApplicationId: qualification.applicationId,
    });
    expect((await ledgerItems('buyer')).filter((e) => e.kind === 'opening_fee')).toEqual([]);
    expect(item?.contractId).toBe(byTenant.buyer?.contractId);
    // The seller's January was settled (3 days of rent) before the number left them.
    const rent = await dynamo().send(
      new GetCommand({
        TableName: tableName('ledger'),
        Key: { pk: 'ACCT#seller', sk: 'LEDGER#seller#4007111111#2027-01#monthly_rent' },
      }),
    );
    expect(rent.Item?.amount).toBeLessThan(0);
    const snapshot = await dynamo().send(
      new GetCommand({
        TableName: tableName('routing'),
        Key: { pk: `ACCESS#${item?.accessNumber}`, sk: 'SNAPSHOT' },
      }),
    );
    expect(snapshot.Item).toMatchObject({
      tenantId: 'buyer',
      numberStatus: 'active',
      restrictions: { noMultiLevelTransfer: true, recordingAnnouncementRequired: true },
    });
  });

  it('derives the new owner’s restrictions from its reviewed qualification for this number', async () => {
    // An individual's number goes to an enterprise that already passed review for another number: that
    // review is not this number's, so it qualifies nothing.
    await activateNumber('4007777777', 'person', iso(0), config, docs, 'individual');
    const elsewhere = await activateNumber('4007888888', 'corp', iso(0), config, docs, 'enterprise');
    await as('person', requestTransfer, { path: { number: '4007777777' }, body: { toTenantId: 'corp' } });
    const path = { number: '4007777777' };
    const other = await as('corp', decideTransfer, {
      path,
      body: { decision: 'accept', qualificationApplicationId: elsewhere.applicationId },
    });
    expect(other.body.error).toMatchObject({
      code: 'qualification_not_for_this_transfer',
      field: 'qualificationApplicationId',
    });
    // A qualification the operator rejects qualifies nothing and leaves the number where it is.
    const turnedDown = await applyWithDocuments('4007777777', 'corp', iso(0), config, docs, 'enterprise');
    await rejectApplication(turnedDown.applicationId, { reasons: ['expired_licence'] }, 'op', iso(0), config);
    const rejected = await as('corp', decideTransfer, {
      path,
      body: { decision: 'accept', qualificationApplicationId: turnedDown.applicationId },
    });
    expect(rejected.body.error).toMatchObject({ code: 'qualification_not_approved' });
    // Naming none finds none approved for this number (the rejected one, the approval for another number).
    const unqualified = await as('corp', decideTransfer, { path, body: { decision: 'accept' } });
    expect(unqualified.status).toBe(400);
    expect(unqualified.body.error).toMatchObject({
      code: 'qualification_required',
      field: 'qualificationApplicationId',
    });
    expect(await getNumberItem('4007777777')).toMatchObject({
      status: 'transfer_pending',
      tenantId: 'person',
    });
    await withdrawQualification('corp', turnedDown.applicationId);
    const qualified = await qualifyForTransfer('4007777777', 'corp', iso(0), config, docs, 'enterprise');
    // Someone else's application, or one that does not match the stated type, is refused.
    const foreign = await as('corp', decideTransfer, {
      path,
      body: { decision: 'accept', qualificationApplicationId: (await personApplication()) as string },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.field).toBe('qualificationApplicationId');
    const mismatch = await as('corp', decideTransfer, {
      path,
      body: {
        decision: 'accept',
        applicantType: 'individual',
        qualificationApplicationId: qualified.applicationId,
      },
    });
    expect(mismatch.body.error).toMatchObject({ code: 'applicant_type_mismatch', field: 'applicantType' });
    // Without naming it, a stated type must match the approved one too.
    const unnamedMismatch = await as('corp', decideTransfer, {
      path,
      body: { decision: 'accept', applicantType: 'individual' },
    });
    expect(unnamedMismatch.body.error).toMatchObject({
      code: 'applicant_type_mismatch',
      field: 'applicantType',
    });

    // Accepting as the approval notice says, naming nothing: the approved enterprise qualification for this
    // number is the one used, and the individual's restrictions are lifted.
    const accepted = await as('corp', decideTransfer, { path, body: { decision: 'accept' } });
    expect(accepted.status).toBe(200);
    expect(await getNumberItem('4007777777')).toMatchObject({
      tenantId: 'corp',
      restrictions: { noMultiLevelTransfer: false, recordingAnnouncementRequired: false },
    });
    const contracts = await dynamo().send(
      new QueryCommand({
        TableName: tableName('numbers'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':pk': 'NUM#4007777777', ':c': 'CONTRACT#' },
      }),
    );
    expect((contracts.Items ?? []).find((c) => c.tenantId === 'corp')).toMatchObject({
      applicantType: 'enterprise',
      qualificationApplicationId: qualified.applicationId,
    });
  });
});

describe('transfer with several approved qualifications', () => {
  it('takes the most recently decided one when the recipient names none', async () => {
    await activateNumber('4007666666', 'giver', iso(0), config, docs, 'enterprise');
    await dynamo().send(
      new PutCommand({
        TableName: tableName('ledger'),
        Item: { pk: 'ACCT#taker', sk: 'ACCOUNT', type: 'account', balance: 0, version: 1 },
      }),
    );
    await as('giver', requestTransfer, { path: { number: '4007666666' }, body: { toTenantId: 'taker' } });
    // Filed first, decided last: the operator's latest word is the individual one.
    const asPerson = await applyWithDocuments('4007666666', 'taker', iso(DAY), config, docs, 'individual');
    const asCompany = await applyWithDocuments(
      '4007666666',
      'taker',
      iso(2 * DAY),
      config,
      docs,
      'enterprise',
    );
    await approveApplication(asCompany.applicationId, 'operator-1', iso(3 * DAY), config);
    await approveApplication(asPerson.applicationId, 'operator-1', iso(4 * DAY), config);
    const accepted = await as('taker', decideTransfer, {
      path: { number: '4007666666' },
      body: { decision: 'accept' },
      at: new Date(T0 + 5 * DAY),
    });
    expect(accepted.status).toBe(200);
    expect(await getNumberItem('4007666666')).toMatchObject({
      tenantId: 'taker',
      restrictions: { noMultiLevelTransfer: true, recordingAnnouncementRequired: true },
    });
  });
});

/** The tenant withdraws its application over the API. */
async function withdrawQualification(tenantId: string, applicationId: string) {
  expect((await as(tenantId, withdraw, { path: { id: applicationId } })).status).toBe(200);
}

async function personApplication() {
  const apps = await dynamo().send(
    new QueryCommand({
      TableName: tableName('numbers'),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'TENANT#person#applications' },
    }),
  );
  return apps.Items?.[0]?.applicationId as string | undefined;
}

describe('retention cap', () => {
  it('cancels a number suspended past the cap and quarantines it, once', async () => {
    await activateNumber('4007222222', 'sleeper', iso(0), config, docs, 'individual');
    expect((await getNumberItem('4007222222'))?.restrictions).toEqual({
      noMultiLevelTransfer: true,
      recordingAnnouncementRequired: true,
    });
    expect((await as('sleeper', suspend, { path: { number: '4007222222' } })).status).toBe(200);
    const cap = T0 + config.retentionCapMonths * 30 * DAY;
    expect(await retentionJob({ at: new Date(cap - 1).toISOString() })).toMatchObject({ processed: 0 });
    expect(await retentionJob({ at: new Date(cap).toISOString() })).toMatchObject({
      processed: 1,
      failed: 0,
    });
    expect(await retentionJob({ at: new Date(cap).toISOString() })).toMatchObject({ processed: 0 });
    expect(await getNumberItem('4007222222')).toMatchObject({ status: 'quarantined' });
  });
});
