/**
 * The ownership backfill's rule (shared/domain/numbers/ownership-backfill.ts), pure: periods replayed from a
 * number's history through the transitions' own rule, the current access number on the running period,
 * kept periods winning, the contract as a fallback, and nothing to change the second time.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, NumberRecord } from '../../shared/domain/numbers/number.js';
import { backfilledOwnership, periodsFromHistory } from '../../shared/domain/numbers/ownership-backfill.js';

const h = (at: string, from: string, to: string, command: string, tenantId?: string): HistoryEntry =>
  ({ at, from, to, command, actor: 'x', ...(tenantId ? { tenantId } : {}) }) as HistoryEntry;
const number = (extra: Partial<NumberRecord>): NumberRecord =>
  ({
    number: '4006100001',
    segment: '4006',
    tier: 'standard',
    tierRank: 0,
    selectionFee: 0,
    status: 'available',
    version: 1,
    importedAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...extra,
  }) as NumberRecord;

// A holds from 1 Feb (suspended and resumed, stopped for arrears and restored: still A's), cancels on
// 1 May; after quarantine B activates on 1 Sep and holds it now.
const HISTORY = [
  h('2026-01-20T00:00:00Z', 'available', 'reserved', 'reserve', 'a'),
  h('2026-01-21T00:00:00Z', 'reserved', 'applied', 'apply', 'a'),
  h('2026-01-31T00:00:00Z', 'applied', 'activating', 'approve', 'a'),
  h('2026-02-01T00:00:00Z', 'activating', 'active', 'activate', 'a'),
  h('2026-02-10T00:00:00Z', 'active', 'suspended', 'suspend', 'a'),
  h('2026-02-20T00:00:00Z', 'suspended', 'active', 'resume', 'a'),
  h('2026-03-01T00:00:00Z', 'active', 'arrears_stopped', 'stop_for_arrears', 'a'),
  h('2026-03-02T00:00:00Z', 'arrears_stopped', 'active', 'restore_after_payment', 'a'),
  h('2026-04-01T00:00:00Z', 'active', 'cancellation_requested', 'request_cancellation', 'a'),
  h('2026-05-01T00:00:00Z', 'cancellation_requested', 'cancelled', 'complete_cancellation', 'a'),
  h('2026-05-02T00:00:00Z', 'cancelled', 'quarantined', 'start_quarantine', 'a'),
  h('2026-08-01T00:00:00Z', 'quarantined', 'available', 'release_quarantine'),
  h('2026-08-20T00:00:00Z', 'available', 'reserved', 'reserve', 'b'),
  h('2026-08-31T00:00:00Z', 'applied', 'activating', 'approve', 'b'),
  h('2026-09-01T00:00:00Z', 'activating', 'active', 'activate', 'b'),
];

describe('ownership backfill rule', () => {
  it('replays tenures: activation opens, end of tenure closes, suspensions and arrears keep the holder', () => {
    expect(periodsFromHistory(HISTORY)).toEqual([
      { tenantId: 'a', from: '2026-02-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
      { tenantId: 'b', from: '2026-09-01T00:00:00Z' },
    ]);
  });

  it('puts the current access number on the running period, and is a no-op the second time', () => {
    const held = number({ status: 'active', tenantId: 'b', accessNumber: '+6532000001' });
    const owners = backfilledOwnership(held, HISTORY, undefined);
    expect(owners).toEqual([
      { tenantId: 'a', from: '2026-02-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
      { tenantId: 'b', accessNumber: '+6532000001', from: '2026-09-01T00:00:00Z' },
    ]);
    expect(backfilledOwnership({ ...held, owners }, HISTORY, undefined)).toBeUndefined();
  });

  it('keeps periods already kept, filling only the time before the first (clipped to it)', () => {
    const held = number({
      status: 'active',
      tenantId: 'b',
      accessNumber: '+6532000001',
      // Kept from 15 March (say, periods were deployed then and a re-activation wrote B's).
      owners: [{ tenantId: 'b', accessNumber: '+6532000001', from: '2026-09-01T00:00:00Z' }],
    });
    expect(backfilledOwnership(held, HISTORY, undefined)).toEqual([
      { tenantId: 'a', from: '2026-02-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
      { tenantId: 'b', accessNumber: '+6532000001', from: '2026-09-01T00:00:00Z' },
    ]);
    const clipped = backfilledOwnership(
      { ...held, owners: [{ tenantId: 'a', from: '2026-03-15T00:00:00Z', to: '2026-05-01T00:00:00Z' }] },
      HISTORY.slice(0, 11),
      undefined,
    );
    expect(clipped).toEqual([
      { tenantId: 'a', from: '2026-02-01T00:00:00Z', to: '2026-03-15T00:00:00Z' },
      { tenantId: 'a', from: '2026-03-15T00:00:00Z', to: '2026-05-01T00:00:00Z' },
    ]);
  });

  it("falls back on the contract's creation when the history does not end with the holder; else changes nothing", () => {
    const held = number({ status: 'active', tenantId: 'c', accessNumber: '+6532000009', contractId: 'ct_9' });
    const contract = {
      contractId: 'ct_9',
      number: '4006100001',
      tenantId: 'c',
      createdAt: '2026-10-01T08:00:00Z',
    };
    // A's closed tenure stands; B's has no end in the history (so no period); C's starts at its contract.
    expect(backfilledOwnership(held, HISTORY, contract)).toEqual([
      { tenantId: 'a', from: '2026-02-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
      { tenantId: 'c', accessNumber: '+6532000009', from: '2026-10-01T08:00:00Z' },
    ]);
    expect(backfilledOwnership(held, [], contract)).toEqual([
      { tenantId: 'c', accessNumber: '+6532000009', from: '2026-10-01T08:00:00Z' },
    ]);
    // Another tenant's contract, or none: nothing says when C's tenure began.
    expect(backfilledOwnership(held, [], { ...contract, tenantId: 'd' })).toBeUndefined();
    expect(backfilledOwnership(number({}), [], undefined)).toBeUndefined();
  });
});
