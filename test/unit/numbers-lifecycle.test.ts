import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import { DEFAULT_NUMBERS_CONFIG, type NumbersConfig } from '../../shared/domain/numbers/config.js';
import {
  BILLABLE_STATUSES,
  currentOwner,
  decide,
  type LifecycleCommand,
  type LifecycleState,
} from '../../shared/domain/numbers/lifecycle.js';

const DAY = 86_400_000;
// A shorter retention cap than the default so random walks run it out as often as the other timers.
const config: NumbersConfig = { ...DEFAULT_NUMBERS_CONFIG, retentionCapMonths: 3 };
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const tenants = ['t1', 't2', 't3'] as const;

type CommandType = LifecycleCommand['type'];
const ALL: readonly CommandType[] = [
  'reserve',
  'release_hold',
  'expire_hold',
  'apply',
  'withdraw_application',
  'withdraw_approval',
  'reject',
  'resubmit',
  'approve',
  'restart_activation',
  'activate',
  'roll_back_activation',
  'suspend',
  'resume',
  'expire_retention',
  'stop_for_arrears',
  'restore_after_payment',
  'expire_arrears',
  'request_transfer',
  'accept_transfer',
  'abandon_transfer',
  'request_cancellation',
  'withdraw_cancellation',
  'complete_cancellation',
  'start_quarantine',
  'release_quarantine',
];
// Commands that make sense from each status: steering half of the steps there lets random sequences
// reach deep states; the other half are wild, so refusals are exercised too.
const PLAUSIBLE: Record<string, readonly CommandType[]> = {
  available: ['reserve'],
  reserved: ['apply', 'release_hold', 'expire_hold', 'reserve'],
  applied: ['approve', 'reject', 'withdraw_application'],
  rejected: ['resubmit', 'withdraw_application'],
  approved: ['restart_activation', 'withdraw_approval'],
  activating: ['activate', 'activate', 'roll_back_activation'],
  active: ['suspend', 'stop_for_arrears', 'request_transfer', 'request_cancellation'],
  suspended: ['resume', 'expire_retention', 'request_cancellation'],
  arrears_stopped: ['restore_after_payment', 'expire_arrears', 'request_cancellation'],
  transfer_pending: ['accept_transfer', 'abandon_transfer'],
  cancellation_requested: ['complete_cancellation', 'withdraw_cancellation'],
  cancelled: ['start_quarantine'],
  quarantined: ['release_quarantine'],
};

function build(type: CommandType, tenantId: string, otherTenant: string): LifecycleCommand {
  switch (type) {
    case 'apply':
    case 'withdraw_approval':
      return { type, tenantId, applicationId: `app-${tenantId}` };
    case 'activate':
      return { type, accessNumber: '+6531000000' };
    case 'request_transfer':
      return { type, tenantId, toTenantId: otherTenant, offerId: `offer-${tenantId}-${otherTenant}` };
    case 'roll_back_activation':
      return { type, reason: 'no access number could be claimed' };
    case 'restart_activation':
    case 'expire_hold':
    case 'reject':
    case 'approve':
    case 'expire_retention':
    case 'stop_for_arrears':
    case 'restore_after_payment':
    case 'expire_arrears':
    case 'complete_cancellation':
    case 'start_quarantine':
    case 'release_quarantine':
      return { type };
    default:
      return { type, tenantId };
  }
}

// Time moves by minutes to months between commands so every timer is crossed both early and late.
const step = fc.record({
  wild: fc.nat({ max: 4 }).map((n) => n === 0),
  pick: fc.nat(),
  tenantPick: fc.nat({ max: 7 }),
  otherPick: fc.nat({ max: 2 }),
  advanceMs: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 60 * 60_000 }), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 200 * DAY }), weight: 2 },
    { arbitrary: fc.integer({ min: 0, max: 1200 * DAY }), weight: 1 },
  ),
});

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function commandFor(state: LifecycleState, s: Step): LifecycleCommand {
  const types = s.wild ? ALL : (PLAUSIBLE[state.status] ?? ALL);
  const type = types[s.pick % types.length] as CommandType;
  // Mostly the party the command is for (owner, or transfer target); sometimes a stranger.
  const party = type === 'accept_transfer' ? state.transferTo : state.tenantId;
  const tenantId = s.tenantPick < 5 && party ? party : (tenants[s.tenantPick % 3] as string);
  return build(type, tenantId, tenants[s.otherPick] as string);
}

const OWNED_WHEN = (s: LifecycleState) => !['available', 'cancelled', 'quarantined'].includes(s.status);

describe('number lifecycle state machine', () => {
  it('keeps its invariants under random command sequences', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(step, { minLength: 40, maxLength: 120 }), (steps) => {
        let state: LifecycleState = { status: 'available' };
        let now = T0;
        for (const s of steps) {
          now += s.advanceMs;
          const cmd = commandFor(state, s);
          const at = new Date(now).toISOString();
          const ownerBefore = currentOwner(state, at);
          let result: ReturnType<typeof decide>;
          try {
            result = decide(state, cmd, at, config);
          } catch (error) {
            // Refusals are domain errors (409/404), never anything else, and leave the state untouched.
            expect(error).toBeInstanceOf(DomainError);
            expect(['conflict', 'not_found']).toContain((error as DomainError).kind);
            continue;
          }
          const next = result.state;
          const ownerAfter = currentOwner(next, at);
          // At most one owner, and only in the states that have one.
          expect(next.tenantId !== undefined).toBe(OWNED_WHEN(next));
          // An offer (recipient, id, instant) exists exactly while the number waits for its recipient.
          const offered = next.status === 'transfer_pending';
          expect(
            [next.transferTo, next.transferOfferId, next.transferOfferedAt].map((v) => v !== undefined),
          ).toEqual([offered, offered, offered]);
          if (cmd.type === 'request_transfer') expect(next.transferOfferedAt).toBe(at);
          // The owner only changes by a fresh reservation of a free number or an accepted transfer.
          if (ownerAfter !== undefined && ownerAfter !== ownerBefore) {
            expect(ownerBefore === undefined ? 'reserve' : 'accept_transfer').toBe(cmd.type);
          }
          // No transition skips settlement: a billable tenure never ends without settling it up to when it
          // ended (now, or a requested cancellation's notice instant however late the job runs).
          if (
            BILLABLE_STATUSES.includes(result.from) &&
            ownerBefore !== undefined &&
            ownerAfter !== ownerBefore
          ) {
            const through =
              cmd.type === 'complete_cancellation' ? (state.cancellationEffectiveAt as string) : at;
            expect(result.effects).toContainEqual(
              expect.objectContaining({ kind: 'settle', tenantId: ownerBefore, through }),
            );
          }
          if (next.status === 'cancelled') {
            expect(result.effects.some((e) => e.kind === 'settle')).toBe(true);
          }
          // Quarantine always lasts its full length.
          if (next.status === 'quarantined') {
            expect(
              Date.parse(next.quarantineUntil as string) - Date.parse(next.quarantinedAt as string),
            ).toBe(config.quarantineDays * DAY);
          }
          if (state.status === 'quarantined' && next.status !== 'quarantined') {
            expect(next.status).toBe('available');
            expect(now - Date.parse(state.quarantinedAt as string)).toBeGreaterThanOrEqual(
              config.quarantineDays * DAY,
            );
          }
          seen.add(`${result.from}>${next.status}`);
          state = next;
        }
      }),
      { numRuns: 400 },
    );
    // The sequences must really reach the deep states, or the invariants above prove little.
    for (const edge of [
      'applied>activating',
      'activating>active',
      'activating>approved',
      'approved>activating',
      'approved>available',
      'transfer_pending>active',
      'suspended>cancelled',
      'arrears_stopped>cancelled',
      'cancellation_requested>cancelled',
      'quarantined>available',
    ]) {
      expect([...seen], edge).toContain(edge);
    }
  });

  it('walks the whole journey', () => {
    let at = T0;
    const iso = () => new Date(at).toISOString();
    let s: LifecycleState = { status: 'available' };
    const run = (cmd: LifecycleCommand) => {
      const t = decide(s, cmd, iso(), config);
      s = t.state;
      return t;
    };
    run({ type: 'reserve', tenantId: 't1' });
    expect(s).toMatchObject({ status: 'reserved', tenantId: 't1' });
    run({ type: 'apply', tenantId: 't1', applicationId: 'a1' });
    run({ type: 'reject' });
    run({ type: 'resubmit', tenantId: 't1' });
    run({ type: 'approve' });
    expect(s.status).toBe('activating');
    // Connect refused the claim: back to approved (the worker releases the claim), then a new activation.
    expect(run({ type: 'roll_back_activation', reason: 'no number' }).effects).toEqual([
      { kind: 'notify', tenantId: 't1', text: 'activation failed (no number); it will be retried' },
    ]);
    expect(s.status).toBe('approved');
    expect(() => run({ type: 'activate', accessNumber: '+6531000001' })).toThrow(/approved cannot take/);
    run({ type: 'restart_activation' });
    run({ type: 'activate', accessNumber: '+6531000001' });
    expect(() => run({ type: 'roll_back_activation', reason: 'late' })).toThrow(/active cannot take/);
    run({ type: 'suspend', tenantId: 't1' });
    at += 10 * DAY;
    run({ type: 'resume', tenantId: 't1' });
    expect(s).toMatchObject({ status: 'active', retentionUsedDays: 10 });
    run({ type: 'request_cancellation', tenantId: 't1' });
    expect(() => run({ type: 'complete_cancellation' })).toThrow(/notice period/);
    at += config.cancellationNoticeDays * DAY;
    const cancelled = run({ type: 'complete_cancellation' });
    expect(cancelled.effects.map((e) => e.kind)).toEqual([
      'settle',
      'refund_balance',
      'notify',
      'release_access_number',
      'clear_routing',
    ]);
    expect(cancelled.effects.at(-1)).toEqual({
      kind: 'clear_routing',
      previousOwner: 't1',
      accessNumber: '+6531000001',
    });
    run({ type: 'start_quarantine' });
    at += config.quarantineDays * DAY - 1;
    expect(() => run({ type: 'release_quarantine' })).toThrow(/quarantine has not ended/);
    at += 1;
    const released = run({ type: 'release_quarantine' });
    expect(released.effects).toEqual([{ kind: 'clear_routing', previousOwner: 't1' }]);
    expect(s).toEqual({ status: 'available' });
  });

  it('lets the tenant withdraw an approval only while its number is approved, never activated', () => {
    const at = new Date(T0).toISOString();
    const approved: LifecycleState = { status: 'approved', tenantId: 't1', applicationId: 'a1' };
    const withdraw = (state: LifecycleState, tenantId = 't1', applicationId = 'a1') =>
      decide(state, { type: 'withdraw_approval', tenantId, applicationId }, at, config);
    // Straight back to the pool: no quarantine, nothing to settle (it never carried a call).
    expect(withdraw(approved)).toEqual({ from: 'approved', state: { status: 'available' }, effects: [] });
    const refusal = (state: LifecycleState, tenantId = 't1', applicationId = 'a1') => {
      try {
        withdraw(state, tenantId, applicationId);
      } catch (error) {
        const e = error as DomainError;
        return `${e.kind} ${e.code}: ${e.message}`;
      }
      return 'allowed';
    };
    expect(refusal({ ...approved, status: 'activating' })).toBe(
      'conflict invalid_transition: the number is being activated; it can be withdrawn only if its activation fails',
    );
    for (const status of ['active', 'suspended', 'arrears_stopped', 'cancellation_requested'] as const) {
      expect(refusal({ ...approved, status })).toBe(
        `conflict invalid_transition: a number that is ${status} went into service: cancel it instead`,
      );
    }
    expect(refusal(approved, 't1', 'a0')).toBe(
      'conflict invalid_transition: the number is no longer held under this application',
    );
    // Another tenant learns nothing of the number.
    expect(refusal(approved, 't2')).toBe('not_found number_not_found: no such number among yours');
  });

  it('lets an expired hold go to anyone, and refuses a live one', () => {
    const held = decide(
      { status: 'available' },
      { type: 'reserve', tenantId: 't1' },
      new Date(T0).toISOString(),
      config,
    ).state;
    expect(() =>
      decide(held, { type: 'reserve', tenantId: 't2' }, new Date(T0 + 60_000).toISOString(), config),
    ).toThrow(expect.objectContaining({ code: 'number_unavailable' }));
    const later = new Date(T0 + config.holdMinutes * 60_000).toISOString();
    expect(decide(held, { type: 'reserve', tenantId: 't2' }, later, config).state.tenantId).toBe('t2');
    expect(() => decide(held, { type: 'apply', tenantId: 't1', applicationId: 'x' }, later, config)).toThrow(
      expect.objectContaining({ kind: 'not_found' }),
    );
  });

  it('cancels a suspended number when the retention cap is used up, after settling', () => {
    let s: LifecycleState = { status: 'active', tenantId: 't1', accessNumber: '+1' };
    s = decide(s, { type: 'suspend', tenantId: 't1' }, new Date(T0).toISOString(), config).state;
    const capEnd = T0 + config.retentionCapMonths * 30 * DAY;
    expect(() =>
      decide(s, { type: 'expire_retention' }, new Date(capEnd - 1).toISOString(), config),
    ).toThrow();
    const t = decide(s, { type: 'expire_retention' }, new Date(capEnd).toISOString(), config);
    expect(t.state.status).toBe('cancelled');
    expect(t.effects[0]).toMatchObject({ kind: 'settle', tenantId: 't1' });
  });
});
