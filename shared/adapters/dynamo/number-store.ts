/**
 * NumberStore and ArrearsStore on DynamoDB. Items of the numbers table:
 *
 *   number       `NUM#<number>` / `NUMBER`            (gsi1 pool, gsi2 owner, gsi3 timer; see number-items.ts)
 *   history      `NUM#<number>` / `HIST#<at>#<version>[#new]`
 *   contract     `NUM#<number>` / `CONTRACT#<contractId>` (gsi2 by tenant, gsi3 by term end while not ended)
 *   holds        `TENANT#<tenant>` / `HOLDS`
 *   watch        `TENANT#<tenant>` / `ARREARS`
 *   application  see number-application-store.ts; effect see number-effect-store.ts
 *
 * A commit is one TransactWriteItems; every write carries its condition, and a failed condition is answered
 * `false` (the caller reads again and decides again). Storage only: the rules are the caller's.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { ContractRecord } from '../../domain/numbers/application.js';
import type { Segment } from '../../domain/numbers/config.js';
import type { HistoryEntry, NumberRecord } from '../../domain/numbers/number.js';
import { localDay } from '../../domain/zoned-time.js';
import type {
  ArrearsAccountRecord,
  ArrearsStore,
  ArrearsWatchRecord,
  AvailableScan,
  LiveNumbers,
  NumberStore,
  NumberWrite,
} from '../../ports/number-store.js';
import { decodeCursor, encodeCursor, type PageKey } from '../../ports/paging.js';
import { readAccount } from './account-store.js';
import { dynamo, isConditionFailure } from './client.js';
import { businessZone, postingActions } from './ledger-store.js';
import { applicationPut } from './number-application-store.js';
import { effectPut } from './number-effect-store.js';
import {
  availabilityPartition,
  contractKey,
  dueBefore,
  duePartition,
  failedConditions,
  numberItem,
  numberKey,
  recordOf,
  type TransactItem,
  tenantNumbersPartition,
  transact,
} from './number-items.js';
import { queryAll, queryPage, scanPages } from './paging.js';

const table = () => tableName('numbers');
const holdsKey = (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'HOLDS' as const });
const watchKey = (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'ARREARS' as const });
const versionIs = (version: number) => ({
  ConditionExpression: '#version = :version',
  ExpressionAttributeNames: { '#version': 'version' },
  ExpressionAttributeValues: { ':version': version },
});
const absent = { ConditionExpression: 'attribute_not_exists(pk)' };
const historySk = (at: string, version: number) => `HIST#${at}#${String(version).padStart(8, '0')}`;

function historyItem(number: string, sk: string, entry: HistoryEntry) {
  return { pk: numberKey(number).pk, sk, type: 'number_history', number, ...entry };
}

/**
 * A contract's item: keys and indexes computed on creation; an ended or void contract leaves the term-end
 * index (no renewal notice, no renewal).
 */
function contractItem(contract: ContractRecord, creating: boolean): Record<string, unknown> {
  const { gsi3pk: _p, gsi3sk: _s, ...withoutTerm } = contract as Record<string, unknown>;
  if (!creating)
    return contract.status === 'ended' || contract.status === 'void' ? withoutTerm : { ...contract };
  const { pk: _pk, sk: _sk, gsi2pk: _a, gsi2sk: _b, ...attributes } = withoutTerm;
  const termStart = String(contract.termStart);
  const termEnd = String(contract.termEnd);
  return {
    ...contractKey(contract.number, contract.contractId),
    type: 'contract',
    ...attributes,
    gsi2pk: `TENANT#${contract.tenantId}#contracts`,
    gsi2sk: `${termStart}#${contract.number}`,
    ...(contract.status === 'ended'
      ? {}
      : { gsi3pk: 'DUE#contract-term', gsi3sk: `${termEnd}#${contract.number}#${contract.contractId}` }),
  };
}

function writeOf(write: NumberWrite): TransactItem[] {
  switch (write.kind) {
    case 'number': {
      const { before, after, history, newOwnerHistory } = write;
      return [
        { Put: { TableName: table(), Item: numberItem(after), ...versionIs(before.version) } },
        {
          Put: {
            TableName: table(),
            Item: historyItem(after.number, historySk(history.at, after.version), history),
            ...absent,
          },
        },
        ...(newOwnerHistory
          ? [
              {
                Put: {
                  TableName: table(),
                  Item: historyItem(
                    after.number,
                    `${historySk(newOwnerHistory.at, after.version)}#new`,
                    newOwnerHistory,
                  ),
                },
              },
            ]
          : []),
      ];
    }
    case 'new_number':
      return [{ Put: { TableName: table(), Item: numberItem(write.number), ...absent } }];
    case 'routing_snapshot': {
      const owner = write.owner;
      return [
        {
          Update: {
            TableName: tableName('routing'),
            Key: { pk: `ACCESS#${write.accessNumber}`, sk: 'SNAPSHOT' },
            UpdateExpression:
              (owner
                ? 'SET number400 = :n, tenantId = :t, numberStatus = :s, restrictions = :r, #type = if_not_exists(#type, :type)'
                : 'SET number400 = :n, numberStatus = :s, #type = if_not_exists(#type, :type)') +
              (write.serviceEndsAt ? ', serviceEndsAt = :e' : '') +
              (owner ? '' : ' REMOVE tenantId, restrictions') +
              (write.serviceEndsAt ? '' : owner ? ' REMOVE serviceEndsAt' : ', serviceEndsAt'),
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':n': write.number,
              ':s': write.numberStatus,
              ':type': 'routing_snapshot',
              ...(owner ? { ':t': owner.tenantId, ':r': owner.restrictions } : {}),
              ...(write.serviceEndsAt ? { ':e': write.serviceEndsAt } : {}),
            },
          },
        },
      ];
    }
    case 'contract': {
      const creating = write.expectedVersion === undefined;
      return [
        {
          Put: {
            TableName: table(),
            Item: contractItem(write.contract, creating),
            ...(creating
              ? absent
              : {
                  ConditionExpression: 'attribute_not_exists(#version) OR #version = :version',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': write.expectedVersion },
                }),
          },
        },
      ];
    }
    case 'holds':
      return [
        {
          Put: {
            TableName: table(),
            Item: {
              ...holdsKey(write.tenantId),
              type: 'tenant_holds',
              holds: write.holds,
              version: (write.expectedVersion ?? 0) + 1,
            },
            ...(write.expectedVersion === undefined ? absent : versionIs(write.expectedVersion)),
          },
        },
      ];
    case 'application':
      return [applicationPut(write.application, write.expectedVersion)];
    case 'effect':
      return [effectPut(write.effect)];
    case 'offer_pending':
      return [
        {
          ConditionCheck: {
            TableName: table(),
            Key: numberKey(write.number),
            ConditionExpression: 'transferOfferId = :offer',
            ExpressionAttributeValues: { ':offer': write.offerId },
          },
        },
      ];
    case 'arrears_watch':
      return [
        {
          Put: {
            TableName: table(),
            Item: { ...watchKey(write.watch.tenantId), type: 'arrears_watch', ...write.watch },
          },
        },
      ];
    case 'account_debit':
      throw new Error('an account debit is built from the account it reads (accountDebitActions)');
  }
}

/**
 * An account debit's actions, from the account read now: undefined when the account is no longer at the
 * version the caller decided on (the commit then fails like any other condition, and the caller decides
 * again). The ledger's own posting rules build the actions; the version stays the transaction's condition.
 */
async function accountDebitActions(
  write: Extract<NumberWrite, { kind: 'account_debit' }>,
): Promise<TransactItem[] | undefined> {
  const now = new Date(write.entries[0]?.at ?? 0);
  const stored = await readAccount(write.tenantId, localDay(businessZone(), now.getTime()));
  if (stored.account.version !== write.accountVersion || !stored.item) return undefined;
  return postingActions(stored, write.entries, now, businessZone(), write.refusalRatePerMinute).actions;
}

// Without a digit pattern nearly every item read is a result; with one, read the index in pages this size.
const QUERY_PAGE = 250;

/** A cursor meaning "start of this segment" (empty keys are never real items, so never an ExclusiveStartKey). */
const firstKeyOf = (segment: Segment): PageKey => ({
  pk: '',
  sk: '',
  gsi1pk: availabilityPartition(segment),
  gsi1sk: '',
});

async function scanAvailable(scan: AvailableScan) {
  const { segments } = scan;
  const rankPrefix = scan.tierRank !== undefined ? `${scan.tierRank}#` : undefined;
  const start = decodeCursor(scan.cursor, (key) => {
    const segment = String(key.gsi1pk ?? '').replace(/^AVAIL#/, '');
    return (
      Object.keys(key).sort().join() === 'gsi1pk,gsi1sk,pk,sk' &&
      segments.includes(segment as Segment) &&
      (rankPrefix === undefined || key.gsi1sk === '' || String(key.gsi1sk).startsWith(rankPrefix))
    );
  });
  const items: NumberRecord[] = [];
  const budget = scan.readBudget;
  let scanned = 0;
  let segmentIndex = start ? segments.indexOf(String(start.gsi1pk).replace(/^AVAIL#/, '') as Segment) : 0;
  let exclusiveStart: PageKey | undefined = start && start.gsi1sk !== '' ? start : undefined;
  while (segmentIndex < segments.length) {
    const segment = segments[segmentIndex] as Segment;
    const result = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'gsi1',
        KeyConditionExpression: rankPrefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :rank)' : 'gsi1pk = :pk',
        FilterExpression: '#status = :available OR (#status = :reserved AND holdExpiresAt <= :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pk': availabilityPartition(segment),
          ':available': 'available',
          ':reserved': 'reserved',
          ':now': scan.at,
          ...(rankPrefix ? { ':rank': rankPrefix } : {}),
        },
        Limit: Math.min(
          scan.dense ? scan.limit - items.length + 5 : QUERY_PAGE,
          QUERY_PAGE,
          budget - scanned,
        ),
        ...(exclusiveStart ? { ExclusiveStartKey: exclusiveStart } : {}),
      }),
    );
    scanned += result.ScannedCount ?? 0;
    for (const raw of (result.Items ?? []) as Record<string, unknown>[]) {
      if (!scan.matches(String(raw.number))) continue;
      items.push(recordOf(raw));
      if (items.length === scan.limit) {
        // Resume right after this item, even if the query page went on.
        const key = {
          pk: String(raw.pk),
          sk: String(raw.sk),
          gsi1pk: String(raw.gsi1pk),
          gsi1sk: String(raw.gsi1sk),
        };
        const more = result.LastEvaluatedKey !== undefined || segmentIndex < segments.length - 1;
        const nextCursor = more || raw !== result.Items?.at(-1) ? encodeCursor(key) : undefined;
        return { items, ...(nextCursor ? { nextCursor } : {}), scanned };
      }
    }
    if (result.LastEvaluatedKey) {
      exclusiveStart = result.LastEvaluatedKey as PageKey;
    } else {
      segmentIndex += 1;
      exclusiveStart = undefined;
      if (segmentIndex < segments.length && scanned >= budget) {
        // Budget spent exactly at a segment boundary: resume at the next segment's start.
        const nextCursor = encodeCursor(firstKeyOf(segments[segmentIndex] as Segment)) as string;
        return { items, nextCursor, scanned };
      }
    }
    if (scanned >= budget && exclusiveStart) {
      return { items, nextCursor: encodeCursor(exclusiveStart) as string, scanned };
    }
  }
  return { items, scanned };
}

async function existing(numbers: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  let keys: Record<string, unknown>[] = numbers.map((n) => numberKey(n));
  for (let attempt = 0; keys.length > 0 && attempt < 10; attempt++) {
    const result = await dynamo().send(
      new BatchGetCommand({
        RequestItems: {
          [table()]: { Keys: keys, ProjectionExpression: '#n', ExpressionAttributeNames: { '#n': 'number' } },
        },
      }),
    );
    for (const item of result.Responses?.[table()] ?? []) found.add(item.number as string);
    keys = (result.UnprocessedKeys?.[table()]?.Keys ?? []) as Record<string, unknown>[];
  }
  if (keys.length > 0)
    throw new Error('the inventory did not answer for every number; nothing more was imported');
  return found;
}

export function dynamoNumberStore(): NumberStore {
  return {
    async get(number) {
      const result = await dynamo().send(
        new GetCommand({ TableName: table(), Key: numberKey(number), ConsistentRead: true }),
      );
      return result.Item ? recordOf(result.Item) : undefined;
    },

    async history(number) {
      const items = await queryAll({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
        ExpressionAttributeValues: { ':pk': numberKey(number).pk, ':h': 'HIST#' },
      });
      return items.map(
        ({ pk: _pk, sk: _sk, type: _t, number: _n, ...entry }) => entry as unknown as HistoryEntry,
      );
    },

    async listOfTenant(tenantId, page) {
      const partition = tenantNumbersPartition(tenantId);
      const result = await queryPage<Record<string, unknown>>(
        {
          TableName: table(),
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
        },
        { partitionKey: 'gsi2pk', partition, limit: page.limit, cursor: page.cursor },
      );
      return { ...result, items: result.items.map(recordOf) };
    },

    async numbersOfTenant(tenantId, status) {
      const items = await queryAll({
        TableName: table(),
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :partition',
        ExpressionAttributeValues: {
          ':partition': tenantNumbersPartition(tenantId),
          ...(status ? { ':status': status } : {}),
        },
        ...(status
          ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
          : {}),
      });
      return items.map((item) => String(item.number));
    },

    async *due(timer, at) {
      for await (const item of dueBefore(duePartition(timer), at)) yield recordOf(item);
    },

    scanAvailable,
    existing,

    async seed(numbers) {
      for (let i = 0; i < numbers.length; i += 25) {
        let requests = numbers.slice(i, i + 25).map((n) => ({ PutRequest: { Item: numberItem(n) } }));
        for (let attempt = 0; requests.length > 0 && attempt < 10; attempt++) {
          const result = await dynamo().send(
            new BatchWriteCommand({ RequestItems: { [table()]: requests } }),
          );
          requests = (result.UnprocessedItems?.[table()] ?? []) as typeof requests;
        }
      }
    },

    async addIfAbsent(number) {
      try {
        await dynamo().send(new PutCommand({ TableName: table(), Item: numberItem(number), ...absent }));
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return false;
      }
    },

    async contract(number, contractId) {
      const result = await dynamo().send(
        new GetCommand({ TableName: table(), Key: contractKey(number, contractId), ConsistentRead: true }),
      );
      return result.Item as ContractRecord | undefined;
    },

    async holds(tenantId) {
      const result = await dynamo().send(
        new GetCommand({ TableName: table(), Key: holdsKey(tenantId), ConsistentRead: true }),
      );
      return result.Item ? { holds: result.Item.holds ?? {}, version: result.Item.version } : undefined;
    },

    async commit(writes) {
      const actions: TransactItem[] = [];
      for (const write of writes) {
        if (write.kind !== 'account_debit') actions.push(...writeOf(write));
        else {
          const debit = await accountDebitActions(write);
          if (!debit) return false;
          actions.push(...debit);
        }
      }
      try {
        await transact(actions);
        return true;
      } catch (error) {
        if (!failedConditions(error)) throw error;
        return false;
      }
    },
  };
}

type Item = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function dynamoArrearsStore(): ArrearsStore {
  return {
    async tenantsWithLiveNumbers() {
      const tenants = new Map<string, LiveNumbers>();
      const pages = scanPages({
        TableName: table(),
        FilterExpression: '#type = :number AND (#status = :active OR #status = :stopped)',
        ProjectionExpression: '#number, tenantId, #status',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status', '#number': 'number' },
        ExpressionAttributeValues: {
          ':number': 'number',
          ':active': 'active',
          ':stopped': 'arrears_stopped',
        },
      });
      for await (const page of pages) {
        for (const item of page) {
          const tenantId = str(item.tenantId);
          if (!tenantId) continue;
          const entry = tenants.get(tenantId) ?? { active: [], stopped: [] };
          (item.status === 'active' ? entry.active : entry.stopped).push(item.number as string);
          tenants.set(tenantId, entry);
        }
      }
      return tenants;
    },

    /** Accounts (ledger table) and watches (numbers table), 50 tenants per BatchGet. */
    async accountsAndWatches(tenantIds) {
      const accounts = new Map<string, ArrearsAccountRecord>();
      const watches = new Map<string, ArrearsWatchRecord>();
      const ledger = tableName('ledger');
      const numbers = table();
      for (let i = 0; i < tenantIds.length; i += 50) {
        const chunk = tenantIds.slice(i, i + 50);
        let request: Record<string, { Keys: Item[]; ConsistentRead?: boolean }> | undefined = {
          [ledger]: { Keys: chunk.map((t) => ({ pk: `ACCT#${t}`, sk: 'ACCOUNT' })), ConsistentRead: true },
          [numbers]: { Keys: chunk.map((t) => watchKey(t)), ConsistentRead: true },
        };
        for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
          const result: BatchGetCommandOutput = await dynamo().send(
            new BatchGetCommand({ RequestItems: request }),
          );
          for (const item of result.Responses?.[ledger] ?? []) {
            const status = str(item.status);
            const arrearsSince = str(item.arrearsSince);
            accounts.set(String(item.pk).slice('ACCT#'.length), {
              ...(status ? { status } : {}),
              ...(arrearsSince ? { arrearsSince } : {}),
            });
          }
          for (const item of result.Responses?.[numbers] ?? []) {
            const { pk, sk: _sk, type: _t, ...watch } = item;
            const tenantId = String(pk).slice('TENANT#'.length);
            watches.set(tenantId, { ...watch, tenantId, since: String(watch.since) } as ArrearsWatchRecord);
          }
          request = result.UnprocessedKeys as typeof request;
        }
      }
      return { accounts, watches };
    },

    async forgetWatch(tenantId) {
      await dynamo().send(new DeleteCommand({ TableName: table(), Key: watchKey(tenantId) }));
    },
  };
}
