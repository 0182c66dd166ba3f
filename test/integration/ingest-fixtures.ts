/** Shared set-up for the ingest tests: numbers bound to access numbers, accounts with money, contact records. */
import { readFileSync } from 'node:fs';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { queryAll } from '../../shared/adapters/dynamo/paging.js';
import { tableName } from '../../shared/config.js';
import { ledger } from '../../shared/runtime/money.js';

export const FIXTURES = '/work/shared/handbook/fixtures';
const fixtureTexts = new Map<string, string>();
/** A fresh copy of a handbook fixture (its file is read once per process). */
export function fixture(name: string): Record<string, unknown> {
  let text = fixtureTexts.get(name);
  if (text === undefined) {
    text = readFileSync(`${FIXTURES}/${name}`, 'utf8');
    fixtureTexts.set(name, text);
  }
  return JSON.parse(text);
}

export interface Line {
  readonly tenantId: string;
  readonly number400: string;
  readonly accessNumber: string;
  /** The contract's plan on the number item (rating: included minutes). */
  readonly planId?: string;
  /** Ownership periods on the number item (absent: the snapshot's tenant holds it, as before they were kept). */
  readonly owners?: readonly { tenantId: string; accessNumber?: string; from: string; to?: string }[];
}

/** Binds access numbers to 400 numbers of tenants (routing snapshot + number item), as numbers/routing do. */
export async function bindNumbers(lines: readonly Line[]): Promise<void> {
  for (let i = 0; i < lines.length; i += 12) {
    const chunk = lines.slice(i, i + 12);
    await dynamo().send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName('routing')]: chunk.map((l) => ({
            PutRequest: {
              Item: {
                pk: `ACCESS#${l.accessNumber}`,
                sk: 'SNAPSHOT',
                type: 'routing_snapshot',
                number400: l.number400,
                tenantId: l.tenantId,
                numberStatus: 'active',
              },
            },
          })),
          [tableName('numbers')]: chunk.map((l) => ({
            PutRequest: {
              Item: {
                pk: `NUM#${l.number400}`,
                sk: 'NUMBER',
                type: 'number',
                number: l.number400,
                segment: l.number400.slice(0, 4),
                tenantId: l.tenantId,
                status: 'active',
                ...(l.planId ? { planId: l.planId } : {}),
                ...(l.owners ? { owners: l.owners } : {}),
              },
            },
          })),
        },
      }),
    );
  }
}

export async function topUp(tenantId: string, amount: number, key = `topup#seed-${tenantId}`): Promise<void> {
  await ledger().post([
    { tenantId, key, kind: 'top_up', amount, at: '2026-11-01T00:00:00.000Z', description: 'seed' },
  ]);
}

export { account } from '../support/ledger-items.js';

export async function callItem(contactId: string): Promise<Record<string, any> | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { pk: `CALL#${contactId}`, sk: 'CALL' },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** Every ledger-visible entry of an account (gsi1), signed as the ledger sees them. */
export async function ledgerSum(tenantId: string): Promise<{ sum: number; count: number }> {
  const items = await queryAll({
    TableName: tableName('ledger'),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': `ACCT#${tenantId}` },
  });
  let sum = 0;
  for (const item of items) sum += item.type === 'call' ? -Number(item.ledgerAmount) : Number(item.amount);
  return { sum, count: items.length };
}

let counter = 0;

/**
 * A forwarded, answered call on an access number: `seconds` of talk from the given answer instant,
 * long distance (Shanghai caller, Beijing answer number) unless the caller says otherwise.
 */
export function answeredCall(
  accessNumber: string,
  options: {
    contactId?: string;
    seconds?: number;
    answeredAt?: string;
    lastUpdate?: string;
    caller?: string;
    recording?: boolean;
  } = {},
): Record<string, unknown> {
  const contactId = options.contactId ?? `c-${process.pid}-${++counter}`;
  const answered = Date.parse(options.answeredAt ?? '2026-11-24T02:15:19Z');
  const ended = answered + (options.seconds ?? 60) * 1000;
  const base = fixture('ctr-forwarded-call.json');
  return {
    ...base,
    ContactId: contactId,
    SystemEndpoint: { Address: accessNumber, Type: 'TELEPHONE_NUMBER' },
    CustomerEndpoint: { Address: options.caller ?? '+862161234567', Type: 'TELEPHONE_NUMBER' },
    InitiationTimestamp: new Date(answered - 16_000).toISOString(),
    ConnectedToSystemTimestamp: new Date(answered - 15_000).toISOString(),
    TransferCompletedTimestamp: new Date(answered).toISOString(),
    DisconnectTimestamp: new Date(ended).toISOString(),
    LastUpdateTimestamp: options.lastUpdate ?? new Date(ended + 30_000).toISOString(),
    ...(options.recording
      ? {
          Recordings: [
            {
              Location: `bucket/${contactId}.wav`,
              StartTimestamp: new Date(answered).toISOString(),
              StopTimestamp: new Date(ended).toISOString(),
              Status: 'AVAILABLE',
            },
          ],
        }
      : {}),
  };
}

/** The call_adjustment entries of an account (ledger items LEDGER#call#…), in key order. */
export async function adjustmentsOf(tenantId: string): Promise<Record<string, any>[]> {
  const items = await queryAll({
    TableName: tableName('ledger'),
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
    ExpressionAttributeValues: { ':p': `ACCT#${tenantId}`, ':s': 'LEDGER#call#' },
  });
  return items.filter((i) => i.kind === 'call_adjustment');
}

/** An allowance bucket item (shared/adapters/dynamo/allowance-items.ts). */
export async function bucketItem(tenantId: string, key: string): Promise<Record<string, any> | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { pk: `ACCT#${tenantId}`, sk: `ALLOWANCE#${key}` },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/**
 * A month where a late long call displaces many calls from the included minutes (business plan: 600
 * minutes a month), all at weekday peak in the tariff's zone (Shanghai, +08:00):
 * - `filler`: Monday `monday` 10:00, 480 minutes (free);
 * - `small`: `count` one-minute calls on the Tuesday after, from 10:00, one a minute (the last 120
 *   included minutes, free);
 * - `late`: Monday 09:00, 120 minutes, arriving after them all: it takes 120 included minutes first, the
 *   filler keeps its 480, and every one-minute call is re-settled to a full minute.
 */
export function displacement(accessNumber: string, tag: string, monday: string, count = 120) {
  const local = (day: string, hh: string, plusMinutes: number) =>
    new Date(Date.parse(`${day}T${hh}:00:00+08:00`) + plusMinutes * 60_000).toISOString();
  const tuesday = new Date(Date.parse(`${monday}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    filler: answeredCall(accessNumber, {
      contactId: `${tag}-filler`,
      answeredAt: local(monday, '10', 0),
      seconds: 480 * 60,
    }),
    small: Array.from({ length: count }, (_, i) =>
      answeredCall(accessNumber, {
        contactId: `${tag}-s${String(i).padStart(3, '0')}`,
        answeredAt: local(tuesday, '10', i),
        seconds: 60,
      }),
    ),
    late: answeredCall(accessNumber, {
      contactId: `${tag}-late`,
      answeredAt: local(monday, '09', 0),
      seconds: 120 * 60,
    }),
  };
}
