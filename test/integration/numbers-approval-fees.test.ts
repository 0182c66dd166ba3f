/**
 * Approval is funded by money paid in (issues 13 item 5, 14 item 8, 15 item 3), on the embedded engine:
 * an unfunded approval is a 402 naming what is due and what is there and changes nothing; promotional
 * credit funds nothing; the selection fee is debited in the approval's own commit and the first top-up stays
 * as call credit, so a new customer never starts in arrears; two approvals racing for the same money cannot
 * both take it; a fee is given back once (when the approval is withdrawn unused). Figures are written by hand.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as decide } from '../../functions/api/review/decide.js';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import type { LocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { returnApprovalFees } from '../../shared/app/numbers/approval-fees.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { payments } from '../../shared/runtime/payments.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { account, ledgerItems } from '../support/ledger-items.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import { callApi, importNumbers, payIn, submitNumberApplication } from './numbers-support.js';

const T0 = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms = 0) => new Date(T0 + ms).toISOString();
// Tiers by the default classifier: 4008168168, 4008520520, 4006551234 and 4006651234 are gold (selection
// fee 98,800 fen); 4007135790 and 4007246813 are standard (0). The first top-up is 50,000 fen.
const GOLD_OPENING = 98_800 + 50_000;
let db: TestDatabase;
let docs: LocalDocuments;
let outbox: LocalNotifications;

const approve = (applicationId: string) =>
  callApi(decide, {
    roles: ['operator'],
    at: new Date(T0),
    path: { id: applicationId },
    body: { decision: 'approve' },
  });

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'approval-fees-')));
  outbox = useLocalNotifier().outbox;
  usePorts({ documents: docs, telephony: new LocalTelephony() });
  await importNumbers(
    ['4008168168', '4008520520', '4006551234', '4006651234', '4007135790', '4007246813'],
    iso(),
    config,
  );
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

describe('fees due at approval', () => {
  let premiumApp: Awaited<ReturnType<typeof submitNumberApplication>>;

  it('refuses an unfunded approval with 402 fees_not_funded, changing nothing', async () => {
    const app = await submitNumberApplication('4007135790', 'newco', iso(), config, docs);
    const res = await approve(app.applicationId);
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({
      code: 'fees_not_funded',
      details: { due: 50_000, available: 0, missing: 50_000, selectionFee: 0, firstTopUp: 50_000 },
    });
    expect(res.body.error.message).toContain('¥500.00');
    expect((await getNumberItem('4007135790'))?.status).toBe('applied');
    expect((await numbersDeps().applications.get(app.applicationId))?.status).toBe('submitted');
    expect(await ledgerItems('newco')).toEqual([]);

    // Paid in, the same application is approved: nothing debited, the 50,000 stay as call credit.
    await payIn('newco', 50_000, iso());
    const approved = await approve(app.applicationId);
    expect(approved.status).toBe(202);
    expect(approved.body.numberStatus).toBe('active');
    expect(await account('newco')).toMatchObject({ balance: 50_000, owed: 0, status: 'active' });
    const fee = (await ledgerItems('newco')).find((e) => e.kind === 'opening_fee');
    expect(fee).toMatchObject({
      key: `opening#${app.applicationId}`,
      amount: 0,
      meta: { openingFee: 50_000, selectionFee: 0, firstTopUpKeptAsCredit: 50_000 },
    });
    expect(fee?.description).toBe(
      'Opening fee for 4007135790, ¥500.00: selection fee ¥0.00 debited; first top-up ¥500.00 included, kept on your balance as call credit',
    );
    expect(outbox.sent('newco').map((m) => m.template)).not.toContain('arrears');
  });

  it('never lets promotional credit fund an approval', async () => {
    await payIn('promo', 60_000, iso());
    await payments.creditAccount({
      tenantId: 'promo',
      operator: 'op-1',
      creditId: 'promo-launch',
      kind: 'promotional',
      amount: 200_000,
      reason: 'launch promotion',
      now: new Date(T0),
    });
    expect((await account('promo')).balance).toBe(260_000);
    const app = await submitNumberApplication('4008520520', 'promo', iso(), config, docs);
    const res = await approve(app.applicationId);
    expect(res.status).toBe(402);
    // 260,000 on the balance, 200,000 of it promotional: 60,000 paid in against 148,800 due.
    expect(res.body.error.details).toEqual({
      due: GOLD_OPENING,
      available: 60_000,
      missing: 88_800,
      selectionFee: 98_800,
      firstTopUp: 50_000,
    });
    expect((await account('promo')).balance).toBe(260_000);
  });

  it('debits a premium selection fee from paid-in money, never into debt, and never in arrears', async () => {
    const app = await submitNumberApplication('4008168168', 'premium', iso(), config, docs);
    premiumApp = app;
    await payIn('premium', 100_000, iso());
    const short = await approve(app.applicationId);
    expect(short.status).toBe(402);
    expect(short.body.error.details).toMatchObject({ due: 148_800, available: 100_000, missing: 48_800 });
    await payIn('premium', 48_800, iso(), 'wechat_pay');
    const approved = await approve(app.applicationId);
    expect(approved.status).toBe(202);
    expect(approved.body.numberStatus).toBe('active');
    // 148,800 paid in − 98,800 selection fee = 50,000 left: the first top-up, as call credit.
    expect(await account('premium')).toMatchObject({ balance: 50_000, owed: 0, status: 'active' });
    const entries = await ledgerItems('premium');
    expect(entries.filter((e) => e.kind === 'opening_fee').map((e) => [e.amount, e.balanceAfter])).toEqual([
      [-98_800, 50_000],
    ]);
    // No entry other than the two payments and the fee: nothing credited that was not paid.
    expect(entries.map((e) => e.amount).sort((a, b) => a - b)).toEqual([-98_800, 48_800, 100_000]);
    expect(outbox.sent('premium').map((m) => m.template)).not.toContain('arrears');

    // Approving again (a double submit) debits nothing more.
    expect((await approve(app.applicationId)).status).toBe(202);
    expect((await account('premium')).balance).toBe(50_000);
  });

  it('lets only one of two racing approvals take money that covers one', async () => {
    const a = await submitNumberApplication('4006551234', 'racer', iso(), config, docs);
    const b = await submitNumberApplication('4006651234', 'racer', iso(), config, docs);
    // Enough for one gold approval and the next one's fee but not its first top-up: 148,800 + 98,799.
    await payIn('racer', 247_599, iso());
    const results = await Promise.all([approve(a.applicationId), approve(b.applicationId)]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 402]);
    const refused = results.find((r) => r.status === 402);
    expect(refused?.body.error.details).toMatchObject({ due: 148_800, available: 148_799, missing: 1 });
    expect(await account('racer')).toMatchObject({ balance: 148_799, owed: 0, status: 'active' });
    const fees = (await ledgerItems('racer')).filter((e) => e.kind === 'opening_fee');
    expect(fees.map((e) => e.amount)).toEqual([-98_800]);
  });

  it('gives a fee back once, in the commit it is handed to, and nothing that was never taken', async () => {
    const app = await submitNumberApplication('4007246813', 'unlucky', iso(), config, docs);
    const deps = numbersDeps({ config });
    expect(await returnApprovalFees(deps, app, iso(), 'no access number')).toBeUndefined();
    expect(await ledgerItems('unlucky')).toEqual([]);

    const reason = 'application withdrawn before the number went into service';
    const credit = await returnApprovalFees(deps, premiumApp, iso(1000), reason);
    expect(credit).toMatchObject({
      kind: 'account_debit',
      tenantId: 'premium',
      entries: [{ key: `opening#${premiumApp.applicationId}#returned`, kind: 'opening_fee', amount: 98_800 }],
    });
    if (!credit) throw new Error('no credit');
    expect(await deps.numbers.commit([credit])).toBe(true);
    // The same credit handed again: the account moved, the commit refuses; read again, nothing is left to give.
    expect(await deps.numbers.commit([credit])).toBe(false);
    expect(await returnApprovalFees(deps, premiumApp, iso(2000), reason)).toBeUndefined();
    // 50,000 + 98,800 given back = 148,800.
    expect((await account('premium')).balance).toBe(148_800);
    const returned = (await ledgerItems('premium')).filter((e) => e.key.endsWith('#returned'));
    expect(returned.map((e) => [e.amount, e.balanceAfter])).toEqual([[98_800, 148_800]]);
  });
});
