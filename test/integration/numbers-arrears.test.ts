/**
 * The arrears job on the real engine: grace from the account's arrearsSince (or first sight), one notice per
 * episode, restore on top-up (routing snapshot included), cancellation after the restore window, and a
 * second run that changes nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as arrearsHandler } from '../../functions/jobs/number-arrears.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import type { LocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { tableName } from '../../shared/config.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { lambdaContext } from '../support/api-events.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import { activateNumber, importNumbers } from './numbers-support.js';

const arrearsJob = (event: { at: string }) => arrearsHandler(event, lambdaContext);

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const GRACE = config.arrearsGraceDays * DAY;
const WINDOW = config.arrearsRestoreDays * DAY;
let db: TestDatabase;
let docs: LocalDocuments;
let outbox: LocalNotifications;
let telephony: LocalTelephony;

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'numbers-arrears-')));
  outbox = useLocalNotifier().outbox;
  telephony = new LocalTelephony();
  usePorts({ documents: docs, telephony });
  await importNumbers(
    ['4007390517', '4007390528', '4007390539', '4007390541', '4007390552', '4007390563'],
    iso(0),
    config,
  );
  // Activation leaves these accounts as the money side would; each test sets the state it needs.
  await activateNumber('4007390517', 'debtor', iso(0), config, docs);
  await activateNumber('4007390528', 'debtor', iso(0), config, docs);
  await activateNumber('4007390539', 'unseen', iso(0), config, docs);
  await activateNumber('4007390541', 'lapsed', iso(0), config, docs);
  await activateNumber('4007390552', 'latepayer', iso(0), config, docs);
  await activateNumber('4007390563', 'solvent', iso(0), config, docs);
  for (const t of ['debtor', 'unseen', 'lapsed', 'latepayer', 'solvent']) await setAccount(t, 'active');
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

/** The money capability flips status (and records arrearsSince); here we set them as it would. */
async function setAccount(tenantId: string, status: 'active' | 'arrears', arrearsSince?: string) {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName('ledger'), Key: { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' } }),
  );
  const { arrearsSince: _drop, ...rest } = Item ?? { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT', type: 'account' };
  await dynamo().send(
    new PutCommand({
      TableName: tableName('ledger'),
      Item: {
        ...rest,
        status,
        balance: status === 'active' ? 10_000 : 0,
        ...(arrearsSince ? { arrearsSince } : {}),
      },
    }),
  );
}

async function snapshotOf(number: string) {
  const item = await getNumberItem(number);
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName('routing'),
      Key: { pk: `ACCESS#${item?.accessNumber}`, sk: 'SNAPSHOT' },
    }),
  );
  return Item;
}

async function historyCount(number: string) {
  const { Items } = await dynamo().send(
    new QueryCommand({
      TableName: tableName('numbers'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
      ExpressionAttributeValues: { ':pk': `NUM#${number}`, ':h': 'HIST#' },
      ConsistentRead: true,
    }),
  );
  return Items?.length ?? 0;
}

/** The numbers job's stop notices (the money side sends its own 'arrears' alert when the balance runs out). */
const arrearsNotices = (tenantId: string) =>
  outbox.sent(tenantId).filter((m) => m.kind === 'arrears' && m.dedupeKey.startsWith('arrears-stop#'));

describe('arrears grace and restore window', () => {
  it('waits out the grace, then stops every active number and notifies the tenant once', async () => {
    await setAccount('debtor', 'arrears', iso(0));
    const early = await arrearsJob({ at: iso(GRACE - 1) });
    expect(early).toMatchObject({ stopped: 0, notified: 0, failed: 0 });
    expect((await getNumberItem('4007390517'))?.status).toBe('active');
    expect(arrearsNotices('debtor')).toHaveLength(0);

    const due = await arrearsJob({ at: iso(GRACE) });
    expect(due).toMatchObject({ stopped: 2, notified: 1, failed: 0 });
    for (const n of ['4007390517', '4007390528']) {
      expect(await getNumberItem(n)).toMatchObject({
        status: 'arrears_stopped',
        arrearsRestoreBy: iso(GRACE + WINDOW),
      });
      expect((await snapshotOf(n))?.numberStatus).toBe('arrears_stopped');
    }
    // One notice for the tenant, naming both numbers; other tenants untouched.
    expect(arrearsNotices('debtor')).toHaveLength(1);
    expect(arrearsNotices('debtor')[0]?.params.numbers).toMatch(/4007390517.*4007390528/);
    expect((await getNumberItem('4007390563'))?.status).toBe('active');

    // A second run (and a later one within the window) changes nothing.
    const versions = [await historyCount('4007390517'), await historyCount('4007390528')];
    expect(await arrearsJob({ at: iso(GRACE) })).toMatchObject({ processed: 0, notified: 0, failed: 0 });
    expect(await arrearsJob({ at: iso(GRACE + DAY) })).toMatchObject({ processed: 0, notified: 0 });
    expect([await historyCount('4007390517'), await historyCount('4007390528')]).toEqual(versions);
    expect(arrearsNotices('debtor')).toHaveLength(1);
  });

  it('restores the numbers and their routing snapshots after a top-up within the window', async () => {
    await setAccount('debtor', 'active');
    const restored = await arrearsJob({ at: iso(GRACE + 10 * DAY) });
    expect(restored).toMatchObject({ restored: 2, failed: 0 });
    for (const n of ['4007390517', '4007390528']) {
      const item = await getNumberItem(n);
      expect(item?.status).toBe('active');
      expect(item?.arrearsRestoreBy).toBeUndefined();
      expect(item?.gsi3pk).toBeUndefined();
      expect((await snapshotOf(n))?.numberStatus).toBe('active');
    }
    expect(await arrearsJob({ at: iso(GRACE + 10 * DAY) })).toMatchObject({ processed: 0 });
    const watch = await dynamo().send(
      new GetCommand({ TableName: tableName('numbers'), Key: { pk: 'TENANT#debtor', sk: 'ARREARS' } }),
    );
    expect(watch.Item).toBeUndefined();

    // A new arrears episode is a new grace and a new notice.
    await setAccount('debtor', 'arrears', iso(GRACE + 20 * DAY));
    expect(await arrearsJob({ at: iso(GRACE + 20 * DAY + GRACE) })).toMatchObject({
      stopped: 2,
      notified: 1,
    });
    expect(arrearsNotices('debtor')).toHaveLength(2);
    await setAccount('debtor', 'active');
    await arrearsJob({ at: iso(GRACE + 24 * DAY) });
  });

  it('starts the grace when first seen if the account carries no arrearsSince', async () => {
    await setAccount('unseen', 'arrears');
    const firstSeen = iso(5 * DAY);
    expect(await arrearsJob({ at: firstSeen })).toMatchObject({ stopped: 0 });
    const watch = await dynamo().send(
      new GetCommand({ TableName: tableName('numbers'), Key: { pk: 'TENANT#unseen', sk: 'ARREARS' } }),
    );
    expect(watch.Item).toMatchObject({ since: firstSeen, firstSeenAt: firstSeen });
    // Later sightings do not move the start.
    expect(await arrearsJob({ at: iso(5 * DAY + GRACE - 1) })).toMatchObject({ stopped: 0 });
    expect(await arrearsJob({ at: iso(5 * DAY + GRACE) })).toMatchObject({ stopped: 1, notified: 1 });
    expect((await getNumberItem('4007390539'))?.status).toBe('arrears_stopped');
  });

  it('cancels and quarantines numbers whose restore window passed without a top-up, once', async () => {
    await setAccount('lapsed', 'arrears', iso(0));
    await arrearsJob({ at: iso(GRACE) });
    expect((await getNumberItem('4007390541'))?.status).toBe('arrears_stopped');
    expect(await arrearsJob({ at: iso(GRACE + WINDOW - 1) })).toMatchObject({ cancelled: 0 });
    const done = await arrearsJob({ at: iso(GRACE + WINDOW) });
    expect(done).toMatchObject({ cancelled: 1, failed: 0 });
    const item = await getNumberItem('4007390541');
    expect(item).toMatchObject({ status: 'quarantined', previousTenantId: 'lapsed' });
    expect(item?.planId).toBeUndefined();
    expect(await arrearsJob({ at: iso(GRACE + WINDOW) })).toMatchObject({ processed: 0, cancelled: 0 });
    expect(telephony.state.claims).toContainEqual(
      expect.objectContaining({ number400: '4007390541', released: true }),
    );
    // The contract ended with the tenure (settled through the cancellation).
    const contracts = await dynamo().send(
      new QueryCommand({
        TableName: tableName('numbers'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':pk': 'NUM#4007390541', ':c': 'CONTRACT#' },
      }),
    );
    expect(contracts.Items?.[0]).toMatchObject({ status: 'ended' });
  });

  it('restores a tenant who paid even when the job only runs after the window', async () => {
    await setAccount('latepayer', 'arrears', iso(0));
    await arrearsJob({ at: iso(GRACE) });
    await setAccount('latepayer', 'active');
    const late = await arrearsJob({ at: iso(GRACE + WINDOW + DAY) });
    expect(late).toMatchObject({ restored: 1 });
    expect((await getNumberItem('4007390552'))?.status).toBe('active');
  });
});
