/**
 * The embedded engine's TransactWriteItems / TransactGetItems, driven through the real AWS SDK and checked
 * against AWS's documented behaviour (API_TransactWriteItems, API_TransactGetItems, transaction-apis).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  IdempotentParameterMismatchException,
  ResourceNotFoundException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalEngine, startEngine } from '../../infra/local/dynamo-engine.js';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

const ACCOUNTS = 'txn-accounts';
const ENTRIES = 'txn-entries';
const ELEVEN_MINUTES = 11 * 60 * 1000;

let engine: LocalEngine;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let clock = Date.parse('2026-01-01T00:00:00Z');

async function createTable(name: string, withIndex: boolean): Promise<void> {
  await raw.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        ...(withIndex ? [{ AttributeName: 'gsi1pk', AttributeType: 'S' as const }] : []),
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: withIndex
        ? [
            {
              IndexName: 'gsi1',
              KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          ]
        : undefined,
    }),
  );
  for (;;) {
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function get(table: string, pk: string, sk = 'A'): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }));
  return Item;
}

async function put(table: string, item: Record<string, unknown>): Promise<void> {
  await db.send(new PutCommand({ TableName: table, Item: { sk: 'A', ...item } }));
}

/** Runs the write and returns the error it must raise. */
async function rejectionOf(input: TransactWriteCommandInput): Promise<Error & Record<string, unknown>> {
  try {
    await db.send(new TransactWriteCommand(input));
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the transaction to be rejected');
}

beforeAll(async () => {
  engine = await startEngine({ now: () => clock });
  raw = new DynamoDBClient({
    endpoint: engine.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  db = DynamoDBDocumentClient.from(raw);
  await createTable(ACCOUNTS, false);
  await createTable(ENTRIES, true);
});

afterAll(async () => {
  raw?.destroy();
  await engine?.close();
});

beforeEach(() => {
  engine.resetStats();
});

describe('TransactWriteItems', () => {
  it('commits Put, Update, Delete and ConditionCheck across two tables together', async () => {
    await put(ACCOUNTS, { pk: 'commit-a', balance: 100, status: 'active' });
    await put(ACCOUNTS, { pk: 'commit-b', balance: 5 });
    await put(ENTRIES, { pk: 'commit-old', gsi1pk: 'G-commit' });
    engine.resetStats();

    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: ACCOUNTS,
              Key: { pk: 'commit-a', sk: 'A' },
              ConditionExpression: '#s = :active',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':active': 'active' },
            },
          },
          {
            Update: {
              TableName: ACCOUNTS,
              Key: { pk: 'commit-b', sk: 'A' },
              UpdateExpression: 'SET balance = balance + :x',
              ConditionExpression: 'balance >= :zero',
              ExpressionAttributeValues: { ':x': 30, ':zero': 0 },
            },
          },
          {
            Put: {
              TableName: ENTRIES,
              Item: { pk: 'commit-new', sk: 'A', gsi1pk: 'G-commit', amount: 30 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Delete: { TableName: ENTRIES, Key: { pk: 'commit-old', sk: 'A' } } },
        ],
      }),
    );

    expect(await get(ACCOUNTS, 'commit-a')).toMatchObject({ balance: 100 });
    expect(await get(ACCOUNTS, 'commit-b')).toMatchObject({ balance: 35 });
    expect(await get(ENTRIES, 'commit-new')).toMatchObject({ amount: 30 });
    expect(await get(ENTRIES, 'commit-old')).toBeUndefined();
    const { Items } = await db.send(
      new QueryCommand({
        TableName: ENTRIES,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :g',
        ExpressionAttributeValues: { ':g': 'G-commit' },
      }),
    );
    expect(Items?.map((item) => item.pk)).toEqual(['commit-new']);
    const stats = engine.stats();
    expect(stats.requests.TransactWriteItems).toBe(1);
    expect(stats.itemsWritten).toBe(3);
    expect(stats.transactionsCommitted).toBe(1);
  });

  it('rolls every action back when one condition fails, with reasons in request order', async () => {
    await put(ACCOUNTS, { pk: 'fail-a', balance: 10 });
    await put(ENTRIES, { pk: 'fail-keep', gsi1pk: 'G-fail' });

    const error = await rejectionOf({
      TransactItems: [
        { Put: { TableName: ENTRIES, Item: { pk: 'fail-new', sk: 'A', gsi1pk: 'G-fail' } } },
        {
          Update: {
            TableName: ACCOUNTS,
            Key: { pk: 'fail-a', sk: 'A' },
            UpdateExpression: 'SET balance = balance - :x',
            ConditionExpression: 'balance >= :x',
            ExpressionAttributeValues: { ':x': 50 },
          },
        },
        { Delete: { TableName: ENTRIES, Key: { pk: 'fail-keep', sk: 'A' } } },
      ],
    });

    expect(error).toBeInstanceOf(TransactionCanceledException);
    const cancelled = error as unknown as TransactionCanceledException;
    expect(cancelled.CancellationReasons?.map((reason) => reason.Code)).toEqual([
      'None',
      'ConditionalCheckFailed',
      'None',
    ]);
    expect(cancelled.CancellationReasons?.[1]?.Message).toBe('The conditional request failed');
    expect(cancelled.CancellationReasons?.[1]?.Item).toBeUndefined();
    expect(cancelled.message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]',
    );
    expect(cancelled.$metadata.httpStatusCode).toBe(400);

    expect(await get(ENTRIES, 'fail-new')).toBeUndefined();
    expect(await get(ACCOUNTS, 'fail-a')).toMatchObject({ balance: 10 });
    expect(await get(ENTRIES, 'fail-keep')).toBeDefined();
    expect(engine.stats()).toMatchObject({
      itemsWritten: 2,
      transactionsCancelled: 1,
      transactionsCommitted: 0,
    });
  });

  it('reports every failed condition and returns the old item when ALL_OLD is asked', async () => {
    await put(ACCOUNTS, { pk: 'old-a', balance: 1, version: 7 });
    await put(ACCOUNTS, { pk: 'old-b', balance: 2 });

    const error = await rejectionOf({
      TransactItems: [
        {
          Update: {
            TableName: ACCOUNTS,
            Key: { pk: 'old-a', sk: 'A' },
            UpdateExpression: 'SET version = :next',
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':next': 9, ':expected': 8 },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        { Put: { TableName: ACCOUNTS, Item: { pk: 'old-c', sk: 'A' } } },
        {
          ConditionCheck: {
            TableName: ACCOUNTS,
            Key: { pk: 'old-b', sk: 'A' },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'NONE',
          },
        },
        {
          ConditionCheck: {
            TableName: ACCOUNTS,
            Key: { pk: 'old-missing', sk: 'A' },
            ConditionExpression: 'attribute_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    });

    const reasons = (error as unknown as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((reason) => reason.Code)).toEqual([
      'ConditionalCheckFailed',
      'None',
      'ConditionalCheckFailed',
      'ConditionalCheckFailed',
    ]);
    // The low-level AttributeValue shape, as AWS sends it.
    expect(reasons[0]?.Item).toEqual({
      pk: { S: 'old-a' },
      sk: { S: 'A' },
      balance: { N: '1' },
      version: { N: '7' },
    });
    expect(reasons[2]?.Item).toBeUndefined();
    expect(reasons[3]?.Item).toBeUndefined();
    expect(await get(ACCOUNTS, 'old-c')).toBeUndefined();
  });

  it('undoes applied writes, indexes included, when a write fails while being applied', async () => {
    await put(ENTRIES, { pk: 'apply-x', gsi1pk: 'G-before', note: 'original' });
    await put(ACCOUNTS, { pk: 'apply-y', label: 'text' });

    const error = await rejectionOf({
      TransactItems: [
        {
          Put: { TableName: ENTRIES, Item: { pk: 'apply-x', sk: 'A', gsi1pk: 'G-after', note: 'replaced' } },
        },
        { Put: { TableName: ENTRIES, Item: { pk: 'apply-z', sk: 'A', gsi1pk: 'G-after' } } },
        // Adding a number to a string only fails when the item is read: a ValidationError reason.
        {
          Update: {
            TableName: ACCOUNTS,
            Key: { pk: 'apply-y', sk: 'A' },
            UpdateExpression: 'ADD label :one',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    });

    const reasons = (error as unknown as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((reason) => reason.Code)).toEqual(['None', 'None', 'ValidationError']);
    expect(reasons[2]?.Message).toMatch(/incorrect data type/);
    expect(await get(ENTRIES, 'apply-x')).toMatchObject({ note: 'original', gsi1pk: 'G-before' });
    expect(await get(ENTRIES, 'apply-z')).toBeUndefined();
    const byIndex = async (g: string) =>
      (
        await db.send(
          new QueryCommand({
            TableName: ENTRIES,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :g',
            ExpressionAttributeValues: { ':g': g },
          }),
        )
      ).Items?.map((item) => item.pk);
    expect(await byIndex('G-before')).toEqual(['apply-x']);
    expect(await byIndex('G-after')).toEqual([]);
  });

  describe('request validation (ValidationException, nothing written)', () => {
    it('refuses two actions on the same item', async () => {
      const error = await rejectionOf({
        TransactItems: [
          { Put: { TableName: ACCOUNTS, Item: { pk: 'dup', sk: 'A' } } },
          {
            ConditionCheck: {
              TableName: ACCOUNTS,
              Key: { pk: 'dup', sk: 'A' },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      });
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe('Transaction request cannot include multiple operations on one item');
      expect(await get(ACCOUNTS, 'dup')).toBeUndefined();
    });

    it('accepts the same key in two different tables', async () => {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: ACCOUNTS, Item: { pk: 'same-key', sk: 'A' } } },
            { Put: { TableName: ENTRIES, Item: { pk: 'same-key', sk: 'A' } } },
          ],
        }),
      );
      expect(await get(ACCOUNTS, 'same-key')).toBeDefined();
      expect(await get(ENTRIES, 'same-key')).toBeDefined();
    });

    it('refuses more than 100 actions and accepts exactly 100', async () => {
      const puts = (count: number, prefix: string): TransactItems =>
        Array.from({ length: count }, (_, i) => ({
          Put: { TableName: ACCOUNTS, Item: { pk: `${prefix}-${i}`, sk: 'A' } },
        }));
      const error = await rejectionOf({ TransactItems: puts(101, 'many') });
      expect(error.name).toBe('ValidationException');
      expect(error.message).toMatch(
        /at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100/,
      );
      expect(await get(ACCOUNTS, 'many-0')).toBeUndefined();

      await db.send(new TransactWriteCommand({ TransactItems: puts(100, 'hundred') }));
      expect(await get(ACCOUNTS, 'hundred-99')).toBeDefined();
    });

    it('refuses an empty list', async () => {
      const error = await rejectionOf({ TransactItems: [] });
      expect(error.name).toBe('ValidationException');
      expect(error.message).toMatch(/Member must have length greater than or equal to 1/);
    });

    it('refuses more than 4 MB of items', async () => {
      const blob = 'x'.repeat(390 * 1024);
      const error = await rejectionOf({
        TransactItems: Array.from({ length: 11 }, (_, i) => ({
          Put: { TableName: ACCOUNTS, Item: { pk: `big-${i}`, sk: 'A', blob } },
        })),
      });
      expect(error.name).toBe('ValidationException');
      expect(error.message).toMatch(/4 MB/);
      expect(await get(ACCOUNTS, 'big-0')).toBeUndefined();
    });

    it('refuses an action naming two operations, a ConditionCheck without condition, and bad expressions', async () => {
      const both = await rejectionOf({
        TransactItems: [
          {
            Put: { TableName: ACCOUNTS, Item: { pk: 'two-ops', sk: 'A' } },
            Delete: { TableName: ACCOUNTS, Key: { pk: 'two-ops', sk: 'A' } },
          },
        ],
      });
      expect(both.name).toBe('ValidationException');

      const noCondition = await rejectionOf({
        TransactItems: [{ ConditionCheck: { TableName: ACCOUNTS, Key: { pk: 'x', sk: 'A' } } as never }],
      });
      expect(noCondition.name).toBe('ValidationException');

      const syntax = await rejectionOf({
        TransactItems: [
          { Put: { TableName: ACCOUNTS, Item: { pk: 'syntax', sk: 'A' }, ConditionExpression: 'pk = = :v' } },
        ],
      });
      expect(syntax.name).toBe('ValidationException');
      expect(syntax.message).toMatch(/Invalid ConditionExpression/);
      expect(await get(ACCOUNTS, 'two-ops')).toBeUndefined();
      expect(await get(ACCOUNTS, 'syntax')).toBeUndefined();
    });

    it('reports a missing table as ResourceNotFoundException', async () => {
      const error = await rejectionOf({
        TransactItems: [
          { Put: { TableName: ACCOUNTS, Item: { pk: 'nf', sk: 'A' } } },
          { Put: { TableName: 'txn-no-such-table', Item: { pk: 'nf', sk: 'A' } } },
        ],
      });
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(await get(ACCOUNTS, 'nf')).toBeUndefined();
    });
  });

  describe('ClientRequestToken', () => {
    const increment = (pk: string, amount: number): TransactItems => [
      {
        Update: {
          TableName: ACCOUNTS,
          Key: { pk, sk: 'A' },
          UpdateExpression: 'ADD hits :n',
          ExpressionAttributeValues: { ':n': amount },
        },
      },
      {
        Put: {
          TableName: ENTRIES,
          Item: { pk: `${pk}-entry`, sk: 'A' },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];

    it('succeeds again without re-applying for the same request within 10 minutes, then expires', async () => {
      const token = 'token-same-request';
      await db.send(
        new TransactWriteCommand({ ClientRequestToken: token, TransactItems: increment('idem', 1) }),
      );
      // The repeated Put's condition would now fail: success shows the repeat was not re-executed.
      await db.send(
        new TransactWriteCommand({ ClientRequestToken: token, TransactItems: increment('idem', 1) }),
      );
      expect(await get(ACCOUNTS, 'idem')).toMatchObject({ hits: 1 });
      expect(engine.stats()).toMatchObject({ itemsWritten: 2, transactionsCommitted: 1 });

      clock += ELEVEN_MINUTES;
      const error = await rejectionOf({ ClientRequestToken: token, TransactItems: increment('idem', 1) });
      expect(
        (error as unknown as TransactionCanceledException).CancellationReasons?.map((r) => r.Code),
      ).toEqual(['None', 'ConditionalCheckFailed']);
    });

    it('raises IdempotentParameterMismatchException for the same token with other parameters', async () => {
      const token = 'token-mismatch';
      await db.send(
        new TransactWriteCommand({ ClientRequestToken: token, TransactItems: increment('mismatch', 1) }),
      );
      const error = await rejectionOf({ ClientRequestToken: token, TransactItems: increment('mismatch', 2) });
      expect(error).toBeInstanceOf(IdempotentParameterMismatchException);
      expect(await get(ACCOUNTS, 'mismatch')).toMatchObject({ hits: 1 });
    });

    it('does not remember a token whose transaction was cancelled', async () => {
      const token = 'token-after-cancel';
      await put(ENTRIES, { pk: 'retry-entry' });
      await rejectionOf({ ClientRequestToken: token, TransactItems: increment('retry', 1) });
      await db.send(
        new TransactWriteCommand({
          ClientRequestToken: token,
          TransactItems: [
            {
              Update: {
                TableName: ACCOUNTS,
                Key: { pk: 'retry', sk: 'A' },
                UpdateExpression: 'ADD hits :n',
                ExpressionAttributeValues: { ':n': 5 },
              },
            },
          ],
        }),
      );
      expect(await get(ACCOUNTS, 'retry')).toMatchObject({ hits: 5 });
    });
  });
});

describe('TransactGetItems', () => {
  it('returns one response per Get in order, empty for a missing item, with projections', async () => {
    await put(ACCOUNTS, { pk: 'tg-a', balance: 3, secret: 'no' });
    await put(ENTRIES, { pk: 'tg-b', amount: 4 });
    const { Responses } = await db.send(
      new TransactGetCommand({
        TransactItems: [
          {
            Get: {
              TableName: ACCOUNTS,
              Key: { pk: 'tg-a', sk: 'A' },
              ProjectionExpression: '#b',
              ExpressionAttributeNames: { '#b': 'balance' },
            },
          },
          { Get: { TableName: ACCOUNTS, Key: { pk: 'tg-missing', sk: 'A' } } },
          { Get: { TableName: ENTRIES, Key: { pk: 'tg-b', sk: 'A' } } },
        ],
      }),
    );
    expect(Responses).toEqual([{ Item: { balance: 3 } }, {}, { Item: { pk: 'tg-b', sk: 'A', amount: 4 } }]);
    expect(engine.stats().requests.TransactGetItems).toBe(1);
  });

  it('refuses duplicates, an empty list and more than 100 Gets', async () => {
    const attempt = async (keys: string[]) => {
      try {
        await db.send(
          new TransactGetCommand({
            TransactItems: keys.map((pk) => ({ Get: { TableName: ACCOUNTS, Key: { pk, sk: 'A' } } })),
          }),
        );
      } catch (error) {
        return error as Error;
      }
      throw new Error('expected a ValidationException');
    };
    expect((await attempt(['d', 'd'])).message).toBe(
      'Transaction request cannot include multiple operations on one item',
    );
    expect((await attempt([])).name).toBe('ValidationException');
    expect((await attempt(Array.from({ length: 101 }, (_, i) => `g${i}`))).name).toBe('ValidationException');
  });
});

describe('isolation', () => {
  it('loses no update between conditional transactions and plain UpdateItems on one counter', async () => {
    await put(ACCOUNTS, { pk: 'counter', n: 0, version: 0 });
    const workers = 6;
    const perWorker = 4;
    const plainUpdates = 30;

    const optimisticIncrement = async (worker: number, round: number) => {
      for (;;) {
        const current = await get(ACCOUNTS, 'counter');
        const version = Number(current?.version);
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: ACCOUNTS,
                    Key: { pk: 'counter', sk: 'A' },
                    UpdateExpression: 'SET version = :next, n = n + :one',
                    ConditionExpression: 'version = :seen',
                    ExpressionAttributeValues: { ':next': version + 1, ':seen': version, ':one': 1 },
                  },
                },
                { Put: { TableName: ENTRIES, Item: { pk: `counter-${worker}-${round}`, sk: 'A', version } } },
              ],
            }),
          );
          return;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
        }
      }
    };

    await Promise.all([
      ...Array.from({ length: workers }, async (_, worker) => {
        for (let round = 0; round < perWorker; round++) await optimisticIncrement(worker, round);
      }),
      ...Array.from({ length: plainUpdates }, () =>
        db.send(
          new UpdateCommand({
            TableName: ACCOUNTS,
            Key: { pk: 'counter', sk: 'A' },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      ),
    ]);

    expect(await get(ACCOUNTS, 'counter')).toMatchObject({
      n: workers * perWorker + plainUpdates,
      version: workers * perWorker,
    });
    // Every committed version was seen by exactly one transaction.
    const versions = await Promise.all(
      Array.from({ length: workers * perWorker }, (_, i) =>
        get(ENTRIES, `counter-${Math.floor(i / perWorker)}-${i % perWorker}`),
      ),
    );
    expect(new Set(versions.map((entry) => entry?.version)).size).toBe(workers * perWorker);
  });

  it('never shows a reader a partial transfer: the sum of balances is invariant (property)', async () => {
    const accounts = ['p0', 'p1', 'p2', 'p3'];
    const opening = 100;
    const total = opening * accounts.length;
    const transfer = fc
      .record({
        from: fc.nat(3),
        step: fc.integer({ min: 1, max: 3 }),
        amount: fc.integer({ min: 1, max: 60 }),
      })
      .map(({ from, step, amount }) => ({ from, to: (from + step) % accounts.length, amount }));

    await fc.assert(
      fc.asyncProperty(fc.array(transfer, { minLength: 1, maxLength: 25 }), async (transfers) => {
        await Promise.all(accounts.map((pk) => put(ACCOUNTS, { pk, balance: opening })));
        let pending = transfers.length;
        const sums: number[] = [];

        const move = async ({ from, to, amount }: { from: number; to: number; amount: number }) => {
          try {
            await db.send(
              new TransactWriteCommand({
                TransactItems: [
                  {
                    Update: {
                      TableName: ACCOUNTS,
                      Key: { pk: accounts[from], sk: 'A' },
                      UpdateExpression: 'SET balance = balance - :x',
                      ConditionExpression: 'balance >= :x',
                      ExpressionAttributeValues: { ':x': amount },
                    },
                  },
                  {
                    Update: {
                      TableName: ACCOUNTS,
                      Key: { pk: accounts[to], sk: 'A' },
                      UpdateExpression: 'SET balance = balance + :x',
                      ExpressionAttributeValues: { ':x': amount },
                    },
                  },
                ],
              }),
            );
          } catch (error) {
            if (!(error instanceof TransactionCanceledException)) throw error;
          } finally {
            pending -= 1;
          }
        };

        const read = async () => {
          do {
            const [viaTransaction, viaBatch] = await Promise.all([
              db.send(
                new TransactGetCommand({
                  TransactItems: accounts.map((pk) => ({
                    Get: { TableName: ACCOUNTS, Key: { pk, sk: 'A' } },
                  })),
                }),
              ),
              db.send(
                new BatchGetCommand({
                  RequestItems: {
                    [ACCOUNTS]: { Keys: accounts.map((pk) => ({ pk, sk: 'A' })), ConsistentRead: true },
                  },
                }),
              ),
            ]);
            sums.push((viaTransaction.Responses ?? []).reduce((sum, r) => sum + Number(r.Item?.balance), 0));
            sums.push(
              (viaBatch.Responses?.[ACCOUNTS] ?? []).reduce((sum, item) => sum + Number(item.balance), 0),
            );
          } while (pending > 0);
        };

        await Promise.all([...transfers.map(move), read(), read()]);
        const balances = await Promise.all(
          accounts.map(async (pk) => Number((await get(ACCOUNTS, pk))?.balance)),
        );
        expect(balances.every((balance) => balance >= 0)).toBe(true);
        expect(balances.reduce((sum, balance) => sum + balance, 0)).toBe(total);
        expect(sums.length).toBeGreaterThan(0);
        expect(sums.every((sum) => sum === total)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});

describe('the front', () => {
  it('serves counters at GET /__stats and resets them at POST /__stats/reset', async () => {
    await put(ACCOUNTS, { pk: 'stats-1' });
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: ACCOUNTS, Item: { pk: 'stats-2', sk: 'A' } } },
          {
            ConditionCheck: {
              TableName: ACCOUNTS,
              Key: { pk: 'stats-1', sk: 'A' },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
        ],
      }),
    );
    const stats = await (await fetch(`${engine.endpoint}/__stats`)).json();
    expect(stats).toMatchObject({
      requests: { PutItem: 1, TransactWriteItems: 1 },
      totalRequests: 2,
      itemsWritten: 2,
    });
    expect((await fetch(`${engine.endpoint}/__stats/reset`, { method: 'POST' })).status).toBe(200);
    expect(engine.stats()).toMatchObject({ totalRequests: 0, itemsWritten: 0 });
  });

  it('counts items written by successful writes only', async () => {
    await put(ACCOUNTS, { pk: 'count-a' });
    await db.send(
      new UpdateCommand({
        TableName: ACCOUNTS,
        Key: { pk: 'count-a', sk: 'A' },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': 1 },
      }),
    );
    await expect(
      db.send(
        new PutCommand({
          TableName: ACCOUNTS,
          Item: { pk: 'count-a', sk: 'A' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toThrow();
    await db.send(
      new BatchWriteCommand({
        RequestItems: {
          [ACCOUNTS]: [
            { PutRequest: { Item: { pk: 'count-b', sk: 'A' } } },
            { PutRequest: { Item: { pk: 'count-c', sk: 'A' } } },
            { DeleteRequest: { Key: { pk: 'count-a', sk: 'A' } } },
          ],
        },
      }),
    );
    expect(engine.stats()).toMatchObject({
      requests: { PutItem: 2, UpdateItem: 1, BatchWriteItem: 1 },
      totalRequests: 4,
      itemsWritten: 1 + 1 + 3,
    });
  });

  it('answers unknown operations and malformed bodies as DynamoDB does', async () => {
    const post = (target: string, body: string) =>
      fetch(engine.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': target,
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=x',
          'x-amz-date': '20260101T000000Z',
        },
        body,
      });
    const unknown = await post('DynamoDB_20120810.ExecuteTransaction', '{}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ __type: 'com.amazon.coral.service#UnknownOperationException' });
    const malformed = await post('DynamoDB_20120810.TransactWriteItems', '{not json');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { __type?: string }).__type).toBe(
      'com.amazon.coral.service#SerializationException',
    );
  });
});
