import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { callItem } from '../../shared/adapters/dynamo/call-ingest.js';
import type { CallRecord } from '../../shared/domain/calls/call-record.js';
import { retentionDays } from '../../shared/domain/calls/retention.js';

/** What the document client stores for an item (client.ts: undefined attributes dropped). */
const stored = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true });

describe('the call item', () => {
  const record: CallRecord = {
    contactId: 'c-1',
    tenantId: 't-1',
    number: '4008123456',
    accessNumber: '+6560000001',
    caller: '+862161234567',
    callerRegion: '广东省深圳市',
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

  it('is the call record plus keys, ledger view and TTL', () => {
    const entry = { amount: 30, at: record.endedAt, description: 'call from +862161234567 (60s billed)' };
    expect(callItem(record, entry, 400, 'p#0')).toEqual({
      ...record,
      pk: 'CALL#c-1',
      sk: 'CALL',
      type: 'call',
      ledgerAmount: 30,
      at: '2026-11-24T02:16:19.000Z',
      description: 'call from +862161234567 (60s billed)',
      gsi2pk: 'CALLS#t-1#4008123456',
      gsi2sk: '2026-11-24T02:15:03.000Z#c-1',
      gsi1pk: 'ACCT#t-1',
      gsi1sk: '2026-11-24T02:16:19.000Z#call#c-1',
      expiresAt: Math.floor(Date.parse(record.endedAt) / 1000) + 400 * 86_400,
      posting: 'p#0',
    });
  });

  it('a free call is no ledger entry (no gsi1); optional fields absent stay absent', () => {
    const free = stored(
      callItem(
        { ...record, amount: 0, caller: undefined, answeredAt: undefined },
        { amount: 0, at: record.endedAt, description: 'call from unknown (60s billed)' },
        400,
      ),
    );
    expect(free).not.toHaveProperty('gsi1pk');
    expect(free).not.toHaveProperty('caller');
    expect(free).not.toHaveProperty('answeredAt');
    expect(free).not.toHaveProperty('posting');
    expect(free.ledgerAmount).toEqual({ N: '0' });
    expect(free.callerRegion).toEqual({ S: '广东省深圳市' });
  });

  it('is kept as long as the tenant asks, at least the deployment default, medical records ≥ 2 years', () => {
    expect(retentionDays({}, 400)).toBe(400);
    expect(retentionDays({ askedDays: 900 }, 400)).toBe(900);
    expect(retentionDays({ industry: 'medical' }, 400)).toBe(731);
    expect(retentionDays({ industry: 'medical', askedDays: 100 }, 30)).toBe(731);
  });
});
