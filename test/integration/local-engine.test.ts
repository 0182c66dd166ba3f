/**
 * The embedded engine around the transaction front: the integration-test harness on top of it, on-disk
 * data surviving a restart, the child-process variant, and the lock that isolates transactions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine } from '../../infra/local/dynamo-engine.js';
import { startEngineProcess } from '../../infra/local/engine-process.js';
import { SharedExclusiveLock } from '../../infra/local/transactions.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { startTestDatabase } from '../support/local-dynamo.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function clientFor(endpoint: string): DynamoDBDocumentClient {
  const raw = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  cleanups.push(() => raw.destroy());
  return DynamoDBDocumentClient.from(raw);
}

async function createSimpleTable(db: DynamoDBDocumentClient, name: string): Promise<void> {
  await db.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  // dynalite flips the table to ACTIVE on the next timer tick.
  await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('startTestDatabase', () => {
  it('gives the shared adapters client an engine that runs transactions on the real tables', async () => {
    const database = await startTestDatabase();
    cleanups.push(() => database.stop());
    const ledger = database.env.TABLE_LEDGER;
    expect(ledger).toBeDefined();

    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: { TableName: ledger, Item: { pk: 'ACCT#t1', sk: 'ACCOUNT', type: 'account', balance: 500 } },
          },
          {
            Put: {
              TableName: ledger,
              Item: { pk: 'ACCT#t1', sk: 'LEDGER#k1', type: 'ledger-entry', amount: 500 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: ledger, Key: { pk: 'ACCT#t1', sk: 'ACCOUNT' } }),
    );
    expect(Item).toMatchObject({ balance: 500 });

    const replay = dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: ledger,
              Item: { pk: 'ACCT#t1', sk: 'LEDGER#k1', type: 'ledger-entry', amount: 500 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    await expect(replay).rejects.toBeInstanceOf(TransactionCanceledException);
  });
});

describe('startEngine on disk', () => {
  it('keeps committed transactions across a restart on the same folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'hotline400-engine-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));

    const first = await startEngine({ path: folder });
    const db = clientFor(first.endpoint);
    await createSimpleTable(db, 'disk');
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: 'disk', Item: { pk: 'a', n: 1 } } },
          { Put: { TableName: 'disk', Item: { pk: 'b', n: 2 } } },
        ],
      }),
    );
    await first.close();

    const second = await startEngine({ path: folder });
    cleanups.push(() => second.close());
    const again = clientFor(second.endpoint);
    const { Item } = await again.send(new GetCommand({ TableName: 'disk', Key: { pk: 'b' } }));
    expect(Item).toEqual({ pk: 'b', n: 2 });
  });
});

describe('startEngineProcess', () => {
  it('serves the engine from a child process with its counters over HTTP, and stops it', async () => {
    const engine = await startEngineProcess();
    cleanups.push(() => engine.stop());
    expect(engine.pid).not.toBe(process.pid);
    const db = clientFor(engine.endpoint);
    await createSimpleTable(db, 'child');
    await engine.resetStats();
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: 'child', Item: { pk: 'x' } } },
          { Put: { TableName: 'child', Item: { pk: 'y' } } },
        ],
      }),
    );
    expect(await engine.stats()).toMatchObject({ requests: { TransactWriteItems: 1 }, itemsWritten: 2 });
    await engine.resetStats();
    expect(await engine.stats()).toMatchObject({ totalRequests: 0, itemsWritten: 0 });

    await engine.stop();
    await expect(fetch(`${engine.endpoint}/__stats`)).rejects.toThrow();
  });
});

describe('SharedExclusiveLock', () => {
  it('never lets an exclusive holder overlap anyone, and grants in request order (property)', async () => {
    const request = fc.record({ exclusive: fc.boolean(), holdTicks: fc.nat(4), delayTicks: fc.nat(3) });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 40 }), async (requests) => {
        const lock = new SharedExclusiveLock();
        const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
        let shared = 0;
        let exclusive = 0;
        const requested: number[] = [];
        const granted: number[] = [];
        let overlaps = 0;

        await Promise.all(
          requests.map(async ({ exclusive: wantsExclusive, holdTicks, delayTicks }, index) => {
            for (let i = 0; i < delayTicks; i++) await tick();
            requested.push(index);
            await lock.run(wantsExclusive, async () => {
              granted.push(index);
              if (wantsExclusive) exclusive += 1;
              else shared += 1;
              if (exclusive > 1 || (exclusive === 1 && shared > 0)) overlaps += 1;
              for (let i = 0; i < holdTicks; i++) await tick();
              if (wantsExclusive) exclusive -= 1;
              else shared -= 1;
            });
          }),
        );
        expect(overlaps).toBe(0);
        expect(granted).toEqual(requested);
      }),
      { numRuns: 200 },
    );
  });

  it('lets shared holders run together', async () => {
    const lock = new SharedExclusiveLock();
    const first = await lock.acquire(false);
    const second = await lock.acquire(false);
    let exclusiveGranted = false;
    const pending = lock.acquire(true).then((release) => {
      exclusiveGranted = true;
      release();
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(exclusiveGranted).toBe(false);
    first();
    second();
    await pending;
    expect(exclusiveGranted).toBe(true);
  });
});
