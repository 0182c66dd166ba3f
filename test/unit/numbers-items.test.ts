import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NumberItem, numberItem } from '../../shared/adapters/dynamo/number-items.js';
import { type LifecycleState, NUMBER_STATUSES } from '../../shared/domain/numbers/lifecycle.js';
import { nextNumber, timerOf } from '../../shared/domain/numbers/number.js';

const AT = '2026-11-25T02:00:00.000Z';
/** The stored item after a transition: the domain's next record, indexed by the store. */
const nextItem = (item: NumberItem, state: LifecycleState, at: string) =>
  numberItem(nextNumber(item, state, at));
const base: NumberItem = {
  pk: 'NUM#4008123456',
  sk: 'NUMBER',
  type: 'number',
  number: '4008123456',
  segment: '4008',
  tier: 'diamond',
  tierRank: 1,
  selectionFee: 888_800,
  status: 'available',
  version: 3,
  importedAt: AT,
  updatedAt: AT,
};

describe('number item indexes follow the state', () => {
  it('lists only available or held numbers in the inventory index, owned ones under their tenant', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NUMBER_STATUSES),
        fc.option(fc.constantFrom('t1', 't2'), { nil: undefined }),
        (status, tenantId) => {
          const next = nextItem(base, { status, ...(tenantId ? { tenantId } : {}) }, AT);
          expect(next.version).toBe(4);
          expect(next.gsi1pk === 'AVAIL#4008').toBe(status === 'available' || status === 'reserved');
          expect(next.gsi2pk).toBe(tenantId ? `TENANT#${tenantId}#numbers` : undefined);
          expect(next.number).toBe(base.number);
          expect(next.selectionFee).toBe(base.selectionFee);
        },
      ),
    );
  });

  it('drops the previous owner’s binding, contract and restrictions when the number leaves them', () => {
    const owned = {
      ...base,
      status: 'cancellation_requested' as const,
      tenantId: 't1',
      accessNumber: '+6531000000',
      phoneNumberId: 'p-1',
      contractId: 'ct_1',
      restrictions: { noMultiLevelTransfer: true, recordingAnnouncementRequired: true },
      gsi2pk: 'TENANT#t1#numbers',
    };
    const next = nextItem(owned, { status: 'cancelled', previousTenantId: 't1' }, AT);
    expect(next).not.toHaveProperty('tenantId');
    expect(next).not.toHaveProperty('accessNumber');
    expect(next).not.toHaveProperty('phoneNumberId');
    expect(next).not.toHaveProperty('contractId');
    expect(next).not.toHaveProperty('restrictions');
    expect(next.gsi3pk).toBe('DUE#quarantine-start');
  });

  it('runs exactly the timer of its status', () => {
    expect(timerOf({ status: 'reserved', tenantId: 't', holdExpiresAt: 'H' }, AT)).toEqual({
      timer: 'hold',
      due: 'H',
    });
    expect(timerOf({ status: 'suspended', tenantId: 't', retentionEndsAt: 'R' }, AT)).toEqual({
      timer: 'retention',
      due: 'R',
    });
    expect(timerOf({ status: 'arrears_stopped', tenantId: 't', arrearsRestoreBy: 'A' }, AT)).toEqual({
      timer: 'arrears',
      due: 'A',
    });
    expect(
      timerOf({ status: 'cancellation_requested', tenantId: 't', cancellationEffectiveAt: 'C' }, AT),
    ).toEqual({
      timer: 'notice',
      due: 'C',
    });
    expect(timerOf({ status: 'quarantined', quarantineUntil: 'Q' }, AT)).toEqual({
      timer: 'quarantine',
      due: 'Q',
    });
    for (const status of [
      'available',
      'applied',
      'rejected',
      'approved',
      'active',
      'transfer_pending',
    ] as const) {
      expect(timerOf({ status, tenantId: 't' }, AT)).toBeUndefined();
    }
  });
});
