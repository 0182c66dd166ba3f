/**
 * Durable lifecycle side effects on the real engine: a failure after the commit (ledger, SNS, Connect) leaves
 * the effect pending, the number-effects job finishes it, and neither a retry nor a second run doubles any
 * charge, refund, release or notice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as effectsHandler } from '../../functions/jobs/number-effects.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { effectKey } from '../../shared/adapters/dynamo/number-effect-store.js';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import type { LocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { runLifecycleCommand } from '../../shared/app/numbers/run-lifecycle-command.js';
import { tableName } from '../../shared/config.js';
import type { LedgerPort } from '../../shared/domain/ledger/types.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { ledger } from '../../shared/runtime/ledger.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { payments } from '../../shared/runtime/payments.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { lambdaContext } from '../support/api-events.js';
import { ledgerItems, setBalance } from '../support/ledger-items.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { type LocalNotifier, useLocalNotifier } from '../support/local-notifier.js';
import { activateNumber, importNumbers, payIn, providers, requestTransfer } from './numbers-support.js';

const effectsJob = (event: { at: string }) => effectsHandler(event, lambdaContext);

const DAY = 86_400_000;
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
let db: TestDatabase;
let docs: LocalDocuments;
let notifier: LocalNotifier;
let outbox: LocalNotifications;

/** Connect that fails the next `n` releases (a throttled or unreachable API). */
class FlakyTelephony extends LocalTelephony {
  failReleases = 0;
  override async releaseAccessNumber(phoneNumberId: string): Promise<void> {
    if (this.failReleases > 0) {
      this.failReleases -= 1;
      throw Object.assign(new Error('injected release failure'), { name: 'ThrottlingException' });
    }
    return super.releaseAccessNumber(phoneNumberId);
  }
}
let telephony: FlakyTelephony;

const ledgerDown: LedgerPort = {
  post: async () => {
    throw Object.assign(new Error('ledger unavailable'), { name: 'ServiceUnavailable' });
  },
};

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'numbers-effects-')));
  notifier = useLocalNotifier();
  outbox = notifier.outbox;
  telephony = new FlakyTelephony();
  usePorts({ documents: docs, telephony });
  await importNumbers(['4008390517', '4008390528', '4008390539', '4007135790'], iso(0), config);
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

async function ledgerEntries(tenantId: string) {
  return (await ledgerItems(tenantId)) as { kind: string; amount: number; key?: string; sk: string }[];
}

async function effect(id: string) {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('numbers'), Key: effectKey(id), ConsistentRead: true }),
  );
  return Item;
}

async function account(tenantId: string) {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** Cancels the number at the end of its notice period, with `ledger` for the settlement and refund. */
async function cancel(number: string, tenantId: string, ledger?: LedgerPort, beforeEnd?: () => void) {
  const requested = await runLifecycleCommand(
    numbersDeps({ config }),
    number,
    { type: 'request_cancellation', tenantId },
    { at: iso(0), actor: tenantId },
  );
  beforeEnd?.();
  const end = requested.number.cancellationEffectiveAt as string;
  const { number: item } = await runLifecycleCommand(
    numbersDeps({ config, ...(ledger ? { ledger } : {}) }),
    number,
    { type: 'complete_cancellation' },
    { at: end, actor: 'job:test' },
  );
  return { end: Date.parse(end), prefix: `${number}#v${String(item.version).padStart(8, '0')}` };
}

describe('durable lifecycle effects', () => {
  it('keeps a failed settlement pending, holds the refund behind it and posts both once on retry', async () => {
    // Two payments of 50,000: the opening fee (a standard number: all of it stays as call credit), and one more.
    await activateNumber('4008390517', 'closer', iso(0), config, docs);
    await payIn('closer', 200_000, iso(MINUTE));
    const before = await ledgerEntries('closer');
    const { end, prefix } = await cancel('4008390517', 'closer', ledgerDown);

    expect((await getNumberItem('4008390517'))?.status).toBe('cancelled');
    // settle, refund, notify, release (the domain's order for an ended tenure)
    expect(await effect(`${prefix}#0`)).toMatchObject({
      kind: 'settle',
      status: 'pending',
      attempts: 1,
      lastError: 'ledger unavailable',
      gsi3pk: 'DUE#effects',
    });
    expect(await effect(`${prefix}#1`)).toMatchObject({ kind: 'refund_balance', status: 'pending' });
    expect((await effect(`${prefix}#1`))?.lastError).toMatch(/waiting for/);
    expect(await effect(`${prefix}#2`)).toMatchObject({ kind: 'notify', status: 'done' });
    expect(await effect(`${prefix}#3`)).toMatchObject({ kind: 'release_access_number', status: 'done' });
    expect((await effect(`${prefix}#3`))?.gsi3pk).toBeUndefined();
    expect(await ledgerEntries('closer')).toHaveLength(before.length);

    // Not due before its backoff; then settled and refunded, the refund after the rent.
    expect(await effectsJob({ at: new Date(end).toISOString() })).toMatchObject({ processed: 0 });
    const retried = await effectsJob({
      at: new Date(end + config.effectRetryMinutes * MINUTE).toISOString(),
    });
    expect(retried).toMatchObject({ processed: 2, failed: 0 });
    const after = await ledgerEntries('closer');
    const rent = after.filter((e) => e.kind === 'monthly_rent');
    const refund = after.filter((e) => e.kind === 'refund');
    expect(rent).toHaveLength(1);
    expect(rent[0]?.amount).toBeLessThan(0);
    // Cancelled in month 1 of a 12-month term (25 Nov 2026 → 25 Nov 2027), service ending 25 Dec 2026: the
    // rent of January to November 2027 is due, 11 × ¥88.00 (4008 basic) = 96,800 fen, before the refund.
    const early = after.filter((e) => e.kind === 'early_termination');
    expect(early.map((e) => e.amount)).toEqual([-96_800]);
    // Through payments, oldest payment first: the opening 50,000 whole, and of the 200,000 paid later what
    // the rent and the early-termination charge left: 200,000 − 96,800 − rent.
    expect(refund.map((e) => e.amount).sort((a, b) => a - b)).toEqual(
      [-50_000, -(200_000 - 96_800 + (rent[0]?.amount ?? 0))].sort((a, b) => a - b),
    );
    expect((await account('closer'))?.balance).toBe(0);
    expect(await effect(`${prefix}#0`)).toMatchObject({ status: 'done' });
    expect(await effect(`${prefix}#1`)).toMatchObject({ status: 'done' });

    // Running again (even much later) changes nothing.
    expect(await effectsJob({ at: new Date(end + 10 * DAY).toISOString() })).toMatchObject({
      processed: 0,
      failed: 0,
    });
    expect(await ledgerEntries('closer')).toHaveLength(after.length);
  });

  it('retries a failed notice and Connect release until done, delivering each once', async () => {
    // Funded by an operator's manual credit that covers the early-termination charge (11 months of 4008
    // enterprise rent, 11 × ¥704.00): nothing is refundable to a payment and the balance never runs out, so
    // no alert at the cancellation takes the one injected publish failure meant for the notice.
    await payments.creditAccount({
      tenantId: 'mover',
      operator: 'op-1',
      creditId: 'mover-opening',
      kind: 'manual',
      amount: 1_000_000,
      reason: 'opening fee and a deposit received in cash',
      now: new Date(T0),
    });
    await activateNumber('4008390528', 'mover', iso(0), config, docs, 'enterprise', false);
    const claim = telephony.state.claims.find((c) => c.number400 === '4008390528');
    const { end, prefix } = await cancel('4008390528', 'mover', undefined, () => {
      notifier.failNextHandOver(1);
      telephony.failReleases = 2;
    });
    const cancelNotices = () =>
      outbox.sent('mover').filter((m) => m.params.change?.includes('number cancelled'));
    expect(cancelNotices()).toHaveLength(0);
    expect(claim?.released).toBe(false);
    expect(await effect(`${prefix}#3`)).toMatchObject({ status: 'pending', attempts: 1 });

    // First retry: the notice goes, Connect fails again and backs off twice as long.
    const first = await effectsJob({ at: new Date(end + config.effectRetryMinutes * MINUTE).toISOString() });
    expect(first).toMatchObject({ processed: 1, failed: 1 });
    expect(cancelNotices()).toHaveLength(1);
    const release = await effect(`${prefix}#3`);
    expect(release).toMatchObject({ status: 'pending', attempts: 2 });
    expect(String(release?.gsi3sk).slice(0, 24)).toBe(
      new Date(end + 3 * config.effectRetryMinutes * MINUTE).toISOString(),
    );
    const second = await effectsJob({ at: new Date(end + DAY).toISOString() });
    expect(second).toMatchObject({ processed: 1, failed: 0 });
    expect(claim?.released).toBe(true);
    expect(await effectsJob({ at: new Date(end + 2 * DAY).toISOString() })).toMatchObject({ processed: 0 });
    expect(cancelNotices()).toHaveLength(1);
  });

  it('refunds at cancellation only money paid in and not spent, per payment, never promotional credit', async () => {
    // The 1st of a month: the notice ends on 1 December, so the settlement bills nothing (serviceTo is
    // exclusive) and every fen below is written here by hand.
    const start = Date.parse('2026-11-01T02:00:00Z');
    const at = (ms: number) => new Date(start + ms).toISOString();
    const number = '4007135790'; // standard: selection fee 0
    // Paid in: 50,000 by alipay (the opening fee, all of it kept as call credit), 80,000 by wechat_pay.
    const paidB = 80_000;
    const promotional = 20_000;
    const spent = 12_345;
    await activateNumber(number, 'refunder', at(0), config, docs);
    const orderA = (await ledgerEntries('refunder')).find((e) => e.kind === 'top_up') as unknown as {
      meta: { orderId: string };
    };
    const orderB = await payIn('refunder', paidB, at(MINUTE), 'wechat_pay');
    await payments.creditAccount({
      tenantId: 'refunder',
      operator: 'op-1',
      creditId: 'welcome-bonus',
      kind: 'promotional',
      amount: promotional,
      reason: 'welcome bonus',
      now: new Date(at(2 * MINUTE)),
    });
    await ledger().post([
      {
        tenantId: 'refunder',
        key: `refunder#${number}#2026-11#value_added`,
        kind: 'value_added',
        amount: -spent,
        at: at(DAY),
        description: 'call recording, November',
        number,
      },
    ]);
    // 50,000 + 80,000 + 20,000 − 12,345 = 137,655 on the balance.
    expect((await account('refunder'))?.balance).toBe(137_655);
    const requested = await runLifecycleCommand(
      numbersDeps({ config }),
      number,
      { type: 'request_cancellation', tenantId: 'refunder' },
      { at: at(0), actor: 'refunder' },
    );
    expect(requested.number.cancellationEffectiveAt).toBe('2026-12-01T02:00:00.000Z');
    const asked = providers.pendingRefunds.length;
    await runLifecycleCommand(
      numbersDeps({ config }),
      number,
      { type: 'complete_cancellation' },
      { at: '2026-12-01T02:00:00.000Z', actor: 'job:test' },
    );
    // Cancelled in month 1 of its 12-month term (1 Nov 2026 → 1 Nov 2027), service ending 1 Dec 2026: the rent
    // of December 2026 to October 2027 and the started November 2027 is due, 11 × ¥50.00 (4007 basic) = 55,000.
    const early = (await ledgerEntries('refunder')).filter((e) => e.kind === 'early_termination');
    expect(early.map((e) => e.amount)).toEqual([-55_000]);
    // Refundable: paid in 130,000, but the balance less all promotional credit is 137,655 − 55,000 − 20,000 =
    // 62,655. Oldest payment first: 50,000 back to alipay, 12,655 to wechat_pay; the 20,000 promotion stays.
    const refunds = (await ledgerEntries('refunder')).filter((e) => e.kind === 'refund');
    expect(refunds.map((e) => e.amount)).toEqual(expect.arrayContaining([-50_000, -12_655]));
    expect(refunds).toHaveLength(2);
    expect(providers.pendingRefunds.slice(asked).map((r) => [r.orderId, r.amount])).toEqual([
      [orderA.meta.orderId, 50_000],
      [orderB.orderId, 12_655],
    ]);
    expect(await account('refunder')).toMatchObject({ balance: 20_000, owed: 0 });
    // The number-effects job later finds nothing to do, and refunds nothing twice.
    expect(await effectsJob({ at: '2026-12-02T02:00:00.000Z' })).toMatchObject({ failed: 0 });
    expect((await ledgerEntries('refunder')).filter((e) => e.kind === 'refund')).toHaveLength(2);
    expect(providers.pendingRefunds.length).toBe(asked + 2);
  });

  it('delivers a transfer offer to the recipient even when SNS fails at first', async () => {
    await activateNumber('4008390539', 'offerer', iso(0), config, docs);
    await setBalance('taker', 0); // offers go only to tenants with an account
    notifier.failNextHandOver(1);
    const offered = await requestTransfer('4008390539', 'offerer', 'taker', iso(DAY), config);
    expect(offered.status).toBe('transfer_pending');
    expect(outbox.sent('taker')).toHaveLength(0);
    const retried = await effectsJob({ at: iso(DAY + config.effectRetryMinutes * MINUTE) });
    expect(retried).toMatchObject({ processed: 1, failed: 0 });
    expect(outbox.sent('taker').map((m) => [m.template, m.params.number])).toEqual([
      ['transfer_offered', '4008390539'],
    ]);
  });
});
