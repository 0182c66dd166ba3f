import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lifecycleEffects } from '../../shared/app/numbers/number-effects.js';
import { arrearsStep } from '../../shared/domain/numbers/arrears.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { decide, type LifecycleState } from '../../shared/domain/numbers/lifecycle.js';
import type { NumberRecord } from '../../shared/domain/numbers/number.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const GRACE = config.arrearsGraceDays * DAY;

describe('arrears step', () => {
  it('stops exactly when the grace since arrearsSince is over, and notifies once per episode', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * DAY }),
        fc.integer({ min: 0, max: 60 * DAY }),
        fc.boolean(),
        (sinceMs, elapsed, alreadyNotified) => {
          const since = iso(sinceMs);
          const at = iso(sinceMs + elapsed);
          const watch = alreadyNotified ? { since, stoppedFor: since } : undefined;
          const step = arrearsStep({ status: 'arrears', arrearsSince: since }, watch, at, config);
          if (elapsed >= GRACE) {
            expect(step).toEqual({ action: 'stop', since, notify: !alreadyNotified });
          } else {
            expect(step).toMatchObject({ action: 'wait', since, graceEndsAt: iso(sinceMs + GRACE) });
          }
        },
      ),
    );
  });

  it('restores whenever the account is not in arrears, whatever it remembers', () => {
    for (const account of [undefined, { status: 'active' }, { status: 'active', arrearsSince: iso(0) }]) {
      expect(arrearsStep(account, { since: iso(0), stoppedFor: iso(0) }, iso(40 * DAY), config)).toEqual({
        action: 'restore',
      });
    }
  });

  it('counts the grace from first sight when the account has no arrearsSince', () => {
    const first = arrearsStep({ status: 'arrears' }, undefined, iso(DAY), config);
    expect(first).toEqual({ action: 'wait', since: iso(DAY), graceEndsAt: iso(DAY + GRACE), remember: true });
    const later = arrearsStep({ status: 'arrears' }, { since: iso(DAY) }, iso(DAY + GRACE - 1), config);
    expect(later).toMatchObject({ action: 'wait', remember: false });
    expect(arrearsStep({ status: 'arrears' }, { since: iso(DAY) }, iso(DAY + GRACE), config)).toEqual({
      action: 'stop',
      since: iso(DAY),
      notify: true,
    });
    // The money side's instant wins once it appears (a new episode notifies again).
    expect(
      arrearsStep(
        { status: 'arrears', arrearsSince: iso(0) },
        { since: iso(DAY), stoppedFor: iso(DAY) },
        iso(GRACE),
        config,
      ),
    ).toEqual({ action: 'stop', since: iso(0), notify: true });
  });

  it('lets a paid tenant be restored until the number is actually cancelled', () => {
    const active: LifecycleState = { status: 'active', tenantId: 't1', accessNumber: '+1' };
    const stopped = decide(active, { type: 'stop_for_arrears' }, iso(0), config);
    expect(stopped.effects).toEqual([]); // the job notifies the tenant once, not per number
    const lateRestore = decide(
      stopped.state,
      { type: 'restore_after_payment' },
      iso(config.arrearsRestoreDays * DAY + DAY),
      config,
    );
    expect(lateRestore.state).toEqual({ status: 'active', tenantId: 't1', accessNumber: '+1' });
  });
});

describe('durable effects of a transition', () => {
  const before = {
    number: '4007123456',
    contractId: 'ct_1',
    phoneNumberId: 'pn-1',
    version: 7,
  } as NumberRecord;
  const after = { ...before, status: 'cancelled', version: 8 } as NumberRecord;

  it('gets one effect per lifecycle effect, ids unique per transition, the refund behind the settlement', () => {
    const state: LifecycleState = {
      status: 'cancellation_requested',
      tenantId: 't1',
      accessNumber: '+1',
      cancellationEffectiveAt: iso(0),
    };
    const { effects } = decide(state, { type: 'complete_cancellation' }, iso(0), config);
    const pending = lifecycleEffects(effects, before, after, iso(0));
    expect(pending.map((e) => [e.effectId, e.payload.kind])).toEqual([
      ['4007123456#v00000008#0', 'settle'],
      ['4007123456#v00000008#1', 'refund_balance'],
      ['4007123456#v00000008#2', 'notify'],
      ['4007123456#v00000008#3', 'release_access_number'],
      ['4007123456#v00000008#4', 'clear_routing'],
    ]);
    expect(pending[4]?.payload).toEqual({
      kind: 'clear_routing',
      number: '4007123456',
      previousOwner: 't1',
      accessNumber: '+1',
    });
    expect(pending[1]?.requires).toEqual(['4007123456#v00000008#0']);
    expect(pending[3]?.payload).toMatchObject({ phoneNumberId: 'pn-1' });
    // Without a contract there is nothing to settle and the refund waits for nothing.
    const bare = lifecycleEffects(
      effects,
      { ...before, contractId: undefined } as NumberRecord,
      after,
      iso(0),
    );
    expect(bare.map((e) => e.payload.kind)).toEqual([
      'refund_balance',
      'notify',
      'release_access_number',
      'clear_routing',
    ]);
    expect(bare[0]?.requires).toBeUndefined();
  });
});
