/**
 * Issue 13 item 8: the segments of a transferred call (linked by InitialContactId) are one call in
 * `/v1/calls` and count once in reports; each segment is rated on its own (Connect bills per contact), so
 * the chain costs the sum of its segments.
 */
import { describe, expect, it } from 'vitest';
import { listCalls } from '../../shared/app/calls/list-calls.js';
import type { CallRecord } from '../../shared/domain/calls/call-record.js';
import { groupChains } from '../../shared/domain/calls/chains.js';
import { parseContactRecord } from '../../shared/domain/calls/contact-record.js';
import { dailyReport } from '../../shared/domain/calls/reports.js';

const base = {
  tenantId: 'acme',
  number: '4008123456',
  accessNumber: '+6531580001',
  caller: '+8613800000000',
  day: '2026-11-24',
  includedSecondsUsed: 0,
  local: true,
  ivr: false,
  recordingSeconds: 0,
  segment: '4008',
  plan: 'payg',
  tariffVersion: '2026-11-01',
} as const;

// 10:00 Shanghai: answered by the front desk for 90 s (2 started minutes × 15 = 30 fen), transferred to
// sales for 200 s (4 minutes × 15 = 60 fen). Rated as one 290 s call it would be 5 × 15 = 75 fen: the
// documented rule is per segment, 90 fen.
const first: CallRecord = {
  ...base,
  contactId: 'c-first',
  startedAt: '2026-11-24T02:00:00.000Z',
  answeredAt: '2026-11-24T02:00:05.000Z',
  endedAt: '2026-11-24T02:01:35.000Z',
  durationSeconds: 90,
  billedSeconds: 120,
  amount: 30,
  missed: false,
  answeredBy: '+861058881234',
  lastUpdatedAt: '2026-11-24T02:01:40.000Z',
};
const second: CallRecord = {
  ...base,
  contactId: 'c-second',
  initialContactId: 'c-first',
  startedAt: '2026-11-24T02:01:35.000Z',
  answeredAt: '2026-11-24T02:01:40.000Z',
  endedAt: '2026-11-24T02:05:00.000Z',
  durationSeconds: 200,
  billedSeconds: 240,
  amount: 60,
  missed: false,
  answeredBy: '+861058889999',
  lastUpdatedAt: '2026-11-24T02:05:05.000Z',
};
// A separate call at 11:00, missed.
const other: CallRecord = {
  ...base,
  contactId: 'c-other',
  startedAt: '2026-11-24T03:00:00.000Z',
  endedAt: '2026-11-24T03:00:30.000Z',
  durationSeconds: 0,
  billedSeconds: 0,
  amount: 0,
  missed: true,
  lastUpdatedAt: '2026-11-24T03:00:31.000Z',
};

describe('transfer chains', () => {
  it('the parser links a transferred segment to its chain by InitialContactId', () => {
    const parsed = parseContactRecord(
      JSON.stringify({
        ContactId: 'c-second',
        InitialContactId: 'c-first',
        PreviousContactId: 'c-first',
        Channel: 'VOICE',
        InitiationMethod: 'TRANSFER',
        InitiationTimestamp: second.startedAt,
        DisconnectTimestamp: second.endedAt,
        LastUpdateTimestamp: second.lastUpdatedAt,
        SystemEndpoint: { Address: '+6531580001', Type: 'TELEPHONE_NUMBER' },
        CustomerEndpoint: { Address: '+8613800000000', Type: 'TELEPHONE_NUMBER' },
      }),
    );
    expect(parsed.kind === 'call' && parsed.contact.initialContactId).toBe('c-first');
  });

  it('groups segments by their first contact, oldest first', () => {
    expect(
      groupChains([other, second, first]).map((c) => [c.chainId, c.segments.map((s) => s.contactId)]),
    ).toEqual([
      ['c-other', ['c-other']],
      ['c-first', ['c-first', 'c-second']],
    ]);
  });

  it('/v1/calls shows the chain as one call with its segments', async () => {
    const page = await listCalls(
      {
        calls: { page: async () => ({ items: [other, second, first] }), forReport: async () => [] },
        numbers: { get: async () => undefined, history: async () => [] },
        accounts: { callNumbers: async () => ['4008123456'] },
      },
      { tenantId: 'acme', number: '4008123456', now: new Date('2026-11-24T04:00:00Z') },
    );
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toMatchObject({ contactId: 'c-other', chainId: 'c-other', missed: true });
    expect(page.items[0]?.segments).toBeUndefined();
    expect(page.items[1]).toMatchObject({
      contactId: 'c-first',
      chainId: 'c-first',
      startedAt: '2026-11-24T02:00:00.000Z',
      endedAt: '2026-11-24T02:05:00.000Z',
      durationSeconds: 290,
      billedSeconds: 360,
      charge: 90,
      missed: false,
    });
    expect(page.items[1]?.segments?.map((s) => [s.contactId, s.charge])).toEqual([
      ['c-first', 30],
      ['c-second', 60],
    ]);
  });

  it('reports count the chain once, with its talk time and charge', () => {
    const report = dailyReport([first, second, other], '2026-11-24', '2026-11-24', 'Asia/Shanghai');
    expect(report.totals).toEqual({ calls: 2, answered: 1, missed: 1, talkSeconds: 290, charge: 90 });
    expect(report.busiestHours).toEqual([
      { hour: 10, calls: 1 },
      { hour: 11, calls: 1 },
    ]);
    expect(report.durations.find((d) => d.bucket === '3-5m')?.calls).toBe(1);
  });
});
