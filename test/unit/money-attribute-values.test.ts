import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attributes,
  lowLevelAction,
  stringAttribute,
} from '../../shared/adapters/dynamo/attribute-values.js';
import { writeCallItem } from '../../shared/adapters/dynamo/call-ingest.js';
import { asciiJsonString, JsonText } from '../../shared/adapters/dynamo/json-text.js';
import type { CallRecord } from '../../shared/domain/calls/call-record.js';

describe('attributes', () => {
  it("marshals with the document client's options: undefined members dropped, NaN refused", () => {
    expect(attributes({ a: 'x', b: 1, c: undefined, d: [1, null], e: { f: true } })).toEqual({
      a: { S: 'x' },
      b: { N: '1' },
      d: { L: [{ N: '1' }, { NULL: true }] },
      e: { M: { f: { BOOL: true } } },
    });
    expect(() => attributes({ n: Number.NaN })).toThrow();
  });

  it('converts document-client actions and leaves marshalled ones alone', () => {
    const put = lowLevelAction({
      Put: {
        TableName: 't',
        Item: { pk: 'ACCT#a', sk: 'ACCOUNT', n: 1 },
        ConditionExpression: '#v = :v',
        ExpressionAttributeValues: { ':v': 3 },
      },
    });
    expect(put).toEqual({
      Put: {
        TableName: 't',
        Item: { pk: { S: 'ACCT#a' }, sk: { S: 'ACCOUNT' }, n: { N: '1' } },
        ConditionExpression: '#v = :v',
        ExpressionAttributeValues: { ':v': { N: '3' } },
      },
    });
    expect(lowLevelAction(put)).toBe(put);
    const update = lowLevelAction({
      Update: {
        TableName: 't',
        Key: { pk: 'a', sk: 'b' },
        UpdateExpression: 'SET x = :x',
        ExpressionAttributeValues: { ':x': true },
      },
    });
    expect(update.Update?.Key).toEqual({ pk: { S: 'a' }, sk: { S: 'b' } });
    expect(update.Update?.ExpressionAttributeValues).toEqual({ ':x': { BOOL: true } });
    expect(stringAttribute({ S: 'x' })).toBe('x');
    expect(stringAttribute('y')).toBe('y');
    expect(stringAttribute({ N: '1' })).toBeUndefined();
  });
});

describe('JsonText', () => {
  it('writes lists of any strings and numbers, and can be reused', () => {
    const writer = new JsonText();
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.integer())), (values) => {
        writer.raw('{"list":').openList();
        for (const v of values)
          if (typeof v === 'string') writer.item().string(v);
          else writer.item().raw('{"N":').numberString(v).raw('}');
        const text = writer.raw(']}').take();
        expect(JSON.parse(text)).toEqual({
          list: values.map((v) => (typeof v === 'string' ? v : { N: String(v) })),
        });
      }),
      { numRuns: 300 },
    );
    expect(() => writer.raw('{"n":').numberString(Number.POSITIVE_INFINITY)).toThrow(/not a number/);
    writer.clear();
    expect(writer.raw('[]').take()).toBe('[]');
  });
});

describe('writeCallItem', () => {
  const writer = new JsonText();
  const callItemJson = (r: CallRecord, ledgerAmount: number, retention: number, posting?: string) => {
    writeCallItem(writer, r, ledgerAmount, retention, posting);
    return writer.take();
  };

  const record: CallRecord = {
    contactId: 'c-1',
    tenantId: 't-1',
    number: '4008123456',
    accessNumber: '+6560000001',
    caller: '+862161234567',
    callerRegion: 'Shanghai',
    answeredBy: '+861012345678',
    answerNumber: '+861012345678',
    startedAt: '2026-11-24T02:15:03.000Z',
    answeredAt: '2026-11-24T02:15:19.000Z',
    endedAt: '2026-11-24T02:16:19.000Z',
    day: '2026-11-24',
    durationSeconds: 60,
    billedSeconds: 60,
    includedSecondsUsed: 0,
    amount: 30,
    missed: false,
    local: false,
    ivr: true,
    recordingSeconds: 0,
    segment: '4008',
    plan: 'payg',
    tariffVersion: 'v1',
    lastUpdatedAt: '2026-11-24T02:16:49.000Z',
  };

  it('is the call record plus keys, ledger view and TTL, as marshalling the plain item gives', () => {
    const plain = {
      ...record,
      pk: 'CALL#c-1',
      sk: 'CALL',
      type: 'call',
      ledgerAmount: 30,
      gsi2pk: 'CALLS#4008123456',
      gsi2sk: '2026-11-24T02:15:03.000Z#c-1',
      gsi1pk: 'ACCT#t-1',
      gsi1sk: '2026-11-24T02:16:19.000Z#call#c-1',
      expiresAt: Math.floor(Date.parse(record.endedAt) / 1000) + 400 * 86_400,
      posting: 'p#0',
    };
    expect(JSON.parse(callItemJson(record, 30, 400, 'p#0'))).toEqual(
      marshall(plain, { removeUndefinedValues: true }),
    );
    // A free call is no ledger entry: no gsi1; optional fields absent stay absent.
    const free = JSON.parse(
      callItemJson({ ...record, amount: 0, caller: undefined, answeredAt: undefined }, 0, 400),
    );
    expect(free).not.toHaveProperty('gsi1pk');
    expect(free).not.toHaveProperty('caller');
    expect(free).not.toHaveProperty('answeredAt');
    expect(free).not.toHaveProperty('posting');
    expect(free.ledgerAmount).toEqual({ N: '0' });
  });

  // Any UTF-16 string, lone surrogates included.
  const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) });

  it('round-trips any text in any string attribute', () => {
    fc.assert(
      fc.property(
        fc.record({
          contactId: anyText,
          tenantId: anyText,
          caller: anyText,
          callerRegion: anyText,
          recordingRef: anyText,
          tariffVersion: anyText,
        }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (texts, amount) => {
          const r = { ...record, ...texts, amount };
          const item = JSON.parse(callItemJson(r, amount, 400));
          expect(item.pk).toEqual({ S: `CALL#${r.contactId}` });
          for (const [name, value] of Object.entries(texts)) expect(item[name]).toEqual({ S: value });
          expect(item.amount).toEqual({ N: String(amount) });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a body one-byte: a caller region is written as ASCII escapes', () => {
    fc.assert(
      fc.property(anyText, (region) => {
        const literal = asciiJsonString(region);
        expect(literal).toMatch(/^[\x20-\x7e]*$/);
        expect(JSON.parse(literal)).toBe(region);
        expect(asciiJsonString(region)).toBe(literal);
      }),
      { numRuns: 500 },
    );
    const text = callItemJson({ ...record, callerRegion: '广东省深圳市' }, 30, 400);
    expect(Buffer.byteLength(text)).toBe(text.length);
    expect(JSON.parse(text).callerRegion).toEqual({ S: '广东省深圳市' });
  });

  it('refuses an amount DynamoDB could not store', () => {
    expect(() => callItemJson({ ...record, amount: Number.NaN }, 0, 400)).toThrow(/not a number/);
  });
});
