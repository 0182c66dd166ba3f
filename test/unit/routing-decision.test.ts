import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseConfig, validateConfig } from '../../shared/domain/routing/config.js';
import { type CallInput, type DecisionContext, decideCall } from '../../shared/domain/routing/decision.js';
import type { Destination } from '../../shared/domain/routing/types.js';
import {
  ENTERPRISE_INPUT,
  HEALTHY_ACCOUNT,
  MAKE_UP_SATURDAY,
  NATIONAL_DAY,
  PLAIN_SATURDAY,
  snapshotOf,
  testRegionOf,
  WED_8PM,
  WED_10AM,
} from './routing-fixtures.js';

const SHANGHAI_CALLER = '+862161234567';

function call(partial: Partial<CallInput> = {}, context: Partial<DecisionContext> = {}) {
  return decideCall(
    { caller: SHANGHAI_CALLER, contactId: 'c-1', step: 'start', now: WED_10AM, ...partial },
    {
      snapshot: snapshotOf(),
      account: HEALTHY_ACCOUNT,
      regionOf: testRegionOf,
      ratePerMinute: 30,
      ...context,
    },
  );
}

describe('routing decision: refusals', () => {
  it('refuses an unknown access number', () => {
    const d = call({}, { snapshot: undefined });
    expect(d).toMatchObject({ action: 'message', reason: 'unknown_number' });
  });

  it('refuses an inactive number with its own message', () => {
    const d = call({}, { snapshot: snapshotOf(undefined, { numberStatus: 'suspended' }) });
    expect(d).toMatchObject({ action: 'message', reason: 'number_inactive' });
    expect(d.message).toContain('暂停服务');
  });

  it('never uses routing compiled from another tenant than the number’s owner (a hand-over not yet cleared)', () => {
    const handedOver = snapshotOf(undefined, { tenantId: 'next-owner', routingTenantId: 'acme' });
    for (const step of ['start', 'menu', 'hunt'] as const) {
      const d = call({ step, key: '1', state: '' }, { snapshot: handedOver });
      expect(d).toMatchObject({ action: 'message', reason: 'routing_not_applied', tenantId: 'next-owner' });
      expect(d.destination).toBe('');
    }
    // The owner's own routing, and routing from before the tenant was recorded, are used as ever.
    expect(call({}, { snapshot: snapshotOf(undefined, { routingTenantId: 'acme' }) }).action).toBe('menu');
    expect(call({}, { snapshot: snapshotOf() }).action).toBe('menu');
  });

  it('refuses a tenant in arrears, and a zero balance', () => {
    expect(call({}, { account: { ...HEALTHY_ACCOUNT, status: 'arrears' } }).reason).toBe('arrears');
    expect(call({}, { account: { ...HEALTHY_ACCOUNT, balance: 0 } }).reason).toBe('arrears');
    expect(call({}, { account: { ...HEALTHY_ACCOUNT, balance: -50 } }).reason).toBe('arrears');
  });

  it('refuses when today spend reached the cap, but not when the spend was recorded yesterday', () => {
    const capped = { ...HEALTHY_ACCOUNT, spendToday: 20_000, dailyCap: 20_000 };
    expect(call({}, { account: capped }).reason).toBe('spend_cap_reached');
    const yesterday = { ...capped, spendDay: '2026-11-24' };
    expect(call({}, { account: yesterday }).action).not.toBe('message');
  });

  it('resets the cap at Shanghai midnight, not UTC midnight', () => {
    // 2026-11-25T16:30Z is 00:30 on the 26th in Shanghai: yesterday's spend no longer counts.
    const capped = { ...HEALTHY_ACCOUNT, spendDay: '2026-11-25', spendToday: 20_000, dailyCap: 20_000 };
    expect(call({ now: new Date('2026-11-25T15:30:00Z') }, { account: capped }).reason).toBe(
      'spend_cap_reached',
    );
    const afterMidnight = call({ now: new Date('2026-11-25T16:30:00Z') }, { account: capped });
    expect(afterMidnight.reason).not.toBe('spend_cap_reached');
    expect(afterMidnight.maxDurationSeconds).toBe(String(4 * 3600));
  });

  it('refuses a blacklisted caller, each refusal with a different message', () => {
    const d = call({ caller: '+8613800000000' });
    expect(d).toMatchObject({ action: 'message', reason: 'blacklisted' });
    const messages = new Set(
      [
        call({}, { snapshot: undefined }),
        call({}, { snapshot: snapshotOf(undefined, { numberStatus: 'suspended' }) }),
        call({}, { account: { ...HEALTHY_ACCOUNT, status: 'arrears' } }),
        call({}, { account: { ...HEALTHY_ACCOUNT, spendToday: 20_000 } }),
        d,
      ].map((x) => x.message),
    );
    expect(messages.size).toBe(5);
  });
});

describe('routing decision: keys are looked up on the snapshot’s own maps (issue 15)', () => {
  it('a menu, queue or answer number named like an Object.prototype member is misconfigured, not a crash', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const base = snapshotOf();
      const routing = base.routing;
      if (!routing) throw new Error('fixture snapshot has routing');
      const decide = (defaultDestination: Destination) =>
        call({}, { snapshot: { ...base, routing: { ...routing, defaultDestination } } });
      expect(decide({ type: 'menu', menuId: name })).toMatchObject({
        action: 'message',
        reason: 'misconfigured',
      });
      expect(decide({ type: 'queue', queueId: name })).toMatchObject({ reason: 'queue_not_applied' });
      // An unknown answer number falls back to the hunt order, never to a prototype member.
      expect(decide({ type: 'number', answerNumberId: name }).destination).toMatch(/^\+86\d+$/);
      const state = `m|${name}|0||L=zh-CN`;
      expect(call({ step: 'menu', key: '1', state }).reason).toBe('menu_lost');
    }
  });
});

describe('routing decision: max duration', () => {
  it('derives whole minutes from what is left of the balance and the cap', () => {
    // cap 20000 - spent 500 = 19500 fen left (less than the balance), at 30 fen/min = 650 min → 4 h ceiling
    expect(call().maxDurationSeconds).toBe(String(4 * 3600));
    const small = { ...HEALTHY_ACCOUNT, balance: 95 };
    expect(call({}, { account: small }).maxDurationSeconds).toBe('180');
    const capLeft = { ...HEALTHY_ACCOUNT, dailyCap: 600, spendToday: 500 };
    expect(call({}, { account: capLeft }).maxDurationSeconds).toBe('180');
  });

  it('refuses when less than one minute is paid for', () => {
    expect(call({}, { account: { ...HEALTHY_ACCOUNT, balance: 20 } }).reason).toBe('insufficient_balance');
    expect(call({}, { account: { ...HEALTHY_ACCOUNT, dailyCap: 510 } }).reason).toBe('spend_cap_reached');
  });

  it('uses the snapshot rate when rating provided one', () => {
    const snapshot = snapshotOf(undefined, { worstRatePerMinute: 10 });
    expect(call({}, { snapshot, account: { ...HEALTHY_ACCOUNT, balance: 95 } }).maxDurationSeconds).toBe(
      '540',
    );
  });

  it('property: an allowed call is whole minutes within the ceiling that balance and cap can pay for', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 10_000_000 }),
        fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 1, max: 500 }),
        (balance, dailyCap, spent, rate) => {
          const account = { ...HEALTHY_ACCOUNT, balance, dailyCap, spendToday: spent };
          const d = call({}, { account, snapshot: snapshotOf(undefined, { worstRatePerMinute: rate }) });
          if (d.maxDurationSeconds === '') {
            expect(['arrears', 'spend_cap_reached', 'insufficient_balance']).toContain(d.reason);
            return;
          }
          const seconds = Number(d.maxDurationSeconds);
          expect(seconds % 60).toBe(0);
          expect(seconds).toBeGreaterThanOrEqual(60);
          expect(seconds).toBeLessThanOrEqual(4 * 3600);
          const affordable = Math.min(balance, dailyCap === undefined ? Infinity : dailyCap - spent);
          expect((seconds / 60) * rate).toBeLessThanOrEqual(affordable);
        },
      ),
    );
  });
});

describe('routing decision: hours, holidays and make-up days', () => {
  it('within business hours plays the main menu', () => {
    expect(call()).toMatchObject({ action: 'menu', reason: 'business_hours', menuId: 'main' });
  });

  it('after hours plays the after-hours message and marks it voicemail-style', () => {
    expect(call({ now: WED_8PM })).toMatchObject({
      action: 'message',
      reason: 'after_hours',
      message: '下班了',
      voicemail: 'true',
    });
  });

  it('on a public holiday is closed even on a weekday', () => {
    expect(call({ now: NATIONAL_DAY })).toMatchObject({
      action: 'message',
      reason: 'holiday',
      dayKind: 'holiday',
    });
  });

  it('a make-up Saturday is open; a plain Saturday is closed', () => {
    expect(call({ now: MAKE_UP_SATURDAY })).toMatchObject({ action: 'menu', dayKind: 'make_up_workday' });
    expect(call({ now: PLAIN_SATURDAY })).toMatchObject({ action: 'message', reason: 'after_hours' });
  });

  it('a tenant-added holiday closes the day', () => {
    expect(call({ now: new Date('2026-12-24T02:00:00Z') }).reason).toBe('holiday');
  });

  it('a tenant can cancel a calendar holiday', () => {
    const snapshot = snapshotOf({
      ...ENTERPRISE_INPUT,
      businessHours: { ...ENTERPRISE_INPUT.businessHours, extraWorkdays: ['2026-10-01'] },
    });
    expect(call({ now: NATIONAL_DAY }, { snapshot }).action).toBe('menu');
  });
});

describe('routing decision: regions', () => {
  it('sends a North China caller to the Beijing answer number', () => {
    const d = call({ caller: '+861066661234' });
    expect(d).toMatchObject({
      action: 'transfer',
      reason: 'region',
      destination: '+861058881234',
      callerProvince: '北京',
    });
  });

  it('a province rule beats a region-group rule', () => {
    expect(call({ caller: '+862087654321' })).toMatchObject({
      reason: 'region',
      destination: '+862083331234',
    });
  });

  it('unknown regions fall back to the default destination', () => {
    expect(call({ caller: '+8617700000000' })).toMatchObject({ action: 'menu', reason: 'business_hours' });
  });

  it('a failing region lookup falls back too', () => {
    const d = call(
      { caller: '+861066661234' },
      {
        regionOf: () => {
          throw new Error('index missing');
        },
      },
    );
    expect(d.action).toBe('menu');
  });
});

describe('routing decision: IVR', () => {
  const start = call();
  it('key 1 goes to the sales queue with recording announced first', () => {
    const d = call({ step: 'menu', key: '1', state: start.state });
    expect(d).toMatchObject({ action: 'queue', queueId: 'sales', record: 'true', ivrPath: '1' });
    expect(d.queueArn).toContain('q-sales');
    expect(d.announcement).not.toBe('');
  });

  it('nested menus: 2 then 1 reaches the mobile answer number', () => {
    const second = call({ step: 'menu', key: '2', state: start.state });
    expect(second).toMatchObject({ action: 'menu', menuId: 'service' });
    const third = call({ step: 'menu', key: '1', state: second.state });
    expect(third).toMatchObject({ action: 'transfer', destination: '+8613910001234', ivrPath: '21' });
  });

  it('an invalid key replays the menu, then the failure destination', () => {
    const retry = call({ step: 'menu', key: '9', state: start.state });
    expect(retry).toMatchObject({ action: 'menu', reason: 'menu_invalid_retry' });
    const fail = call({ step: 'menu', key: 'Timeout', state: retry.state });
    expect(fail).toMatchObject({ action: 'transfer', reason: 'menu_failure', destination: '+861058881234' });
  });
});

describe('routing decision: VIP and hunting', () => {
  it('a VIP skips the menu and is queued first when the destination is a queue', () => {
    const d = call({ caller: '+8618600000000' });
    expect(d).toMatchObject({ action: 'transfer', reason: 'vip', vip: 'true' });
    const vipQueue = snapshotOf({ ...ENTERPRISE_INPUT, vipDestination: { type: 'queue', queueId: 'sales' } });
    const q = call({ caller: '+8618600000000' }, { snapshot: vipQueue });
    expect(q).toMatchObject({ action: 'queue', queuePriority: '1' });
    expect(q.queueArn).toContain('q-sales-vip');
  });

  it('sequential hunting walks the answer numbers in order, then apologises', () => {
    const snapshot = snapshotOf({
      ...ENTERPRISE_INPUT,
      defaultDestination: { type: 'hunt' },
      regionRules: [],
    });
    const first = call({}, { snapshot });
    expect(first).toMatchObject({
      action: 'transfer',
      destination: '+861058881234',
      ringTimeoutSeconds: '20',
      record: 'true',
    });
    const second = call({ step: 'hunt', state: first.state }, { snapshot });
    expect(second).toMatchObject({ action: 'transfer', destination: '+8613910001234', record: 'false' });
    const third = call({ step: 'hunt', state: second.state }, { snapshot });
    expect(third.destination).toBe('+862083331234');
    expect(call({ step: 'hunt', state: third.state }, { snapshot })).toMatchObject({
      action: 'message',
      reason: 'no_answer',
    });
  });

  it('round-robin spreads first attempts across all answer numbers', () => {
    const snapshot = snapshotOf({
      ...ENTERPRISE_INPUT,
      defaultDestination: { type: 'hunt' },
      regionRules: [],
      hunt: { mode: 'round_robin', ringTimeoutSeconds: 20 },
    });
    const firsts = new Set(
      Array.from({ length: 60 }, (_, i) => call({ contactId: `contact-${i}` }, { snapshot }).destination),
    );
    expect(firsts.size).toBe(3);
  });
});

describe('routing decision: properties', () => {
  const step = fc.constantFrom('start', 'menu', 'hunt') as fc.Arbitrary<'start' | 'menu' | 'hunt'>;
  it('never throws and always returns a flat map of strings with a known action', () => {
    fc.assert(
      fc.property(
        step,
        fc.string(),
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.string(), { nil: undefined }),
        fc.date({ min: new Date('2024-01-01'), max: new Date('2028-01-01'), noInvalidDate: true }),
        fc.record({
          balance: fc.integer({ min: -10_000, max: 1_000_000 }),
          spendToday: fc.integer({ min: 0, max: 100_000 }),
          dailyCap: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
          status: fc.constantFrom('active', 'arrears', 'weird'),
          spendDay: fc.constantFrom('2026-11-25', '2020-01-01'),
        }),
        fc.constantFrom('active', 'suspended', 'arrears_stopped', 'cancelled'),
        (s, caller, key, state, now, account, numberStatus) => {
          const d = decideCall(
            { caller, contactId: 'x', step: s, key, state, now },
            {
              snapshot: snapshotOf(undefined, { numberStatus }),
              account,
              regionOf: testRegionOf,
              ratePerMinute: 30,
            },
          );
          expect(['transfer', 'queue', 'menu', 'message']).toContain(d.action);
          for (const value of Object.values(d)) expect(typeof value).toBe('string');
          expect(JSON.stringify(d).length).toBeLessThan(32 * 1024);
          if (d.action === 'transfer') expect(d.destination).toMatch(/^\+86\d+$/);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a started call is never connected when the tenant cannot pay', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 0 }), fc.string(), (balance, caller) => {
        const d = call({ caller }, { account: { ...HEALTHY_ACCOUNT, balance } });
        expect(d.action).toBe('message');
      }),
    );
  });
});

describe('routing decision: languages', () => {
  const bilingual = snapshotOf({
    ...ENTERPRISE_INPUT,
    languages: ['zh-CN', 'en-US'],
    regionRules: [],
    menus: {
      main: {
        prompt: { text: { 'zh-CN': '中文请按1，For English press 9', 'en-US': 'unused' } },
        options: { '1': { type: 'hunt' }, '9': { type: 'menu', menuId: 'english', language: 'en-US' } },
      },
      english: {
        prompt: { text: { 'zh-CN': '请按1', 'en-US': 'Press 1 for sales' } },
        options: { '1': { type: 'number', answerNumberId: 'front' } },
      },
    },
  });
  it('a menu option switches the prompts, and later messages, to the chosen language', () => {
    const first = call({}, { snapshot: bilingual });
    expect(first.message).toContain('中文');
    const english = call({ step: 'menu', key: '9', state: first.state }, { snapshot: bilingual });
    expect(english).toMatchObject({ action: 'menu', message: 'Press 1 for sales', language: 'en-US' });
    const retry = call({ step: 'menu', key: '7', state: english.state }, { snapshot: bilingual });
    expect(retry.message).toBe('Press 1 for sales');
    const transfer = call({ step: 'menu', key: '1', state: english.state }, { snapshot: bilingual });
    let d = transfer;
    while (d.action === 'transfer') d = call({ step: 'hunt', state: d.state }, { snapshot: bilingual });
    expect(d).toMatchObject({
      reason: 'no_answer',
      message: 'Sorry, nobody is available. Please call again later.',
    });
  });

  it('validation refuses a language switch to a language not configured', () => {
    expect(() =>
      validateConfig(
        normaliseConfig({
          ...ENTERPRISE_INPUT,
          menus: {
            main: {
              prompt: { text: { 'zh-CN': 'x' } },
              options: { '9': { type: 'menu', menuId: 'sub', language: 'fr-FR' } },
            },
            sub: { prompt: { text: { 'zh-CN': 'y' } }, options: { '1': { type: 'hunt' } } },
          },
        }),
        { noMultiLevelTransfer: false, announcementRequired: false, ownedPrompts: new Set() },
      ),
    ).toThrow(expect.objectContaining({ field: 'menus.main.options.9.language' }));
  });
});

describe('routing decision: restrictions written by numbers', () => {
  it("an individual's number never records silently, whatever the stored configuration says", () => {
    const silent = {
      ...ENTERPRISE_INPUT,
      defaultDestination: { type: 'hunt' as const },
      regionRules: [],
      recording: { enabled: true, announcement: false },
    };
    const enterprise = call({}, { snapshot: snapshotOf(silent) });
    expect(enterprise).toMatchObject({ record: 'true', announcement: '' });
    const individual = call(
      {},
      {
        snapshot: snapshotOf(silent, {
          restrictions: { noMultiLevelTransfer: true, recordingAnnouncementRequired: true },
        }),
      },
    );
    expect(individual.record).toBe('true');
    expect(individual.announcement).toContain('录音');
  });
});
