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
import {
  createLocalNotifications,
  type LocalNotifications,
} from '../../shared/adapters/local/local-notifications.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { requestRefund } from '../../shared/app/numbers/number-effects.js';
import { runLifecycleCommand } from '../../shared/app/numbers/run-lifecycle-command.js';
import { tableName } from '../../shared/config.js';
import type { LedgerPort } from '../../shared/domain/ledger/types.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { ledger } from '../../shared/runtime/ledger.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { lambdaContext } from '../support/api-events.js';
import { ledgerItems, setBalance } from '../support/ledger-items.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { activateNumber, importNumbers, requestTransfer } from './numbers-support.js';

const effectsJob = (event: { at: string }) => effectsHandler(event, lambdaContext);

const DAY = 86_400_000;
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
let db: TestDatabase;
let docs: LocalDocuments;
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
  outbox = createLocalNotifications();
  telephony = new FlakyTelephony();
  usePorts({ documents: docs, telephony, notifications: outbox });
  await importNumbers(['4008390517', '4008390528', '4008390539'], iso(0), config);
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
    await activateNumber('4008390517', 'closer', iso(0), config, docs);
    await setBalance('closer', 200_000);
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
    expect(refund).toHaveLength(1);
    expect(refund[0]?.amount).toBe(-(200_000 + (rent[0]?.amount ?? 0) - 96_800));
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
    await activateNumber('4008390528', 'mover', iso(0), config, docs);
    // Enough for the early-termination charge, so no balance alert takes the notice's failure.
    await setBalance('mover', 200_000);
    const claim = telephony.state.claims.find((c) => c.number400 === '4008390528');
    const { end, prefix } = await cancel('4008390528', 'mover', undefined, () => {
      // The refund empties the balance first ("balance exhausted", retried by the alert outbox), then the
      // cancellation notice: both publishes fail.
      outbox.failNext(2);
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

  it('finishes a refund whose request was written before the ledger failed, with one entry', async () => {
    await setBalance('refundee', 7_500);
    let fail = true;
    const flaky: LedgerPort = {
      post: async (entries) => {
        if (fail) {
          fail = false;
          throw new Error('ledger timeout');
        }
        return ledger().post(entries);
      },
    };
    const at = iso(0);
    const deps = numbersDeps({ config });
    await expect(
      requestRefund(deps, { tenantId: 'refundee', number: '4001000000', refundId: 'r1', at }, flaky),
    ).rejects.toThrow('ledger timeout');
    const request = await dynamo().send(
      new GetCommand({ TableName: tableName('numbers'), Key: { pk: 'TENANT#refundee', sk: 'REFUND#r1' } }),
    );
    expect(request.Item).toMatchObject({ amount: 7_500, status: 'requested' });
    await requestRefund(deps, { tenantId: 'refundee', number: '4001000000', refundId: 'r1', at }, flaky);
    await requestRefund(deps, { tenantId: 'refundee', number: '4001000000', refundId: 'r1', at }, flaky);
    const refunds = (await ledgerEntries('refundee')).filter((e) => e.kind === 'refund');
    expect(refunds.map((e) => e.amount)).toEqual([-7_500]);
    expect((await account('refundee'))?.balance).toBe(0);
  });

  it('delivers a transfer offer to the recipient even when SNS fails at first', async () => {
    await activateNumber('4008390539', 'offerer', iso(0), config, docs);
    await setBalance('taker', 0); // offers go only to tenants with an account
    outbox.failNext(1);
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
