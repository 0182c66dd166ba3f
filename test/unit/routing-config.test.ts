import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import { DEFAULT_TARIFF } from '../../shared/domain/rating/default-tariff.js';
import { openAt, resolveCalendar } from '../../shared/domain/routing/calendar.js';
import {
  compileRouting,
  normaliseConfig,
  type RoutingConfigInput,
  validateConfig,
} from '../../shared/domain/routing/config.js';
import { dateRanges, hoursSpec, planConnectResources } from '../../shared/domain/routing/connect-plan.js';
import { worstRatePerMinute } from '../../shared/domain/routing/worst-rate.js';
import { ENTERPRISE_INPUT } from './routing-fixtures.js';

const NO_PROMPTS: ReadonlySet<string> = new Set();
const ENTERPRISE_RULES = {
  noMultiLevelTransfer: false,
  announcementRequired: false,
  ownedPrompts: NO_PROMPTS,
};
const INDIVIDUAL_RULES = { noMultiLevelTransfer: true, announcementRequired: true, ownedPrompts: NO_PROMPTS };

function fieldOf(input: RoutingConfigInput, rules = ENTERPRISE_RULES): string | undefined {
  try {
    validateConfig(normaliseConfig(input), rules);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('validation');
    return (error as DomainError).field;
  }
}

describe('routing configuration validation', () => {
  it('accepts the enterprise fixture', () => {
    expect(fieldOf(ENTERPRISE_INPUT)).toBeUndefined();
  });

  it('refuses international, premium and service answer numbers, naming the field', () => {
    for (const bad of ['+14155550100', '4008123456', '8008101234', '12345']) {
      expect(
        fieldOf({
          ...ENTERPRISE_INPUT,
          answerNumbers: [
            { id: 'a', number: '13910001234' },
            { id: 'b', number: bad },
          ],
        }),
      ).toBe('answerNumbers.1.number');
    }
  });

  it('names broken references, times, keys and cycles', () => {
    expect(fieldOf({ ...ENTERPRISE_INPUT, defaultDestination: { type: 'queue', queueId: 'nope' } })).toBe(
      'defaultDestination.queueId',
    );
    expect(
      fieldOf({
        ...ENTERPRISE_INPUT,
        businessHours: { weekly: { mon: [{ open: '18:00', close: '09:00' }] } },
      }),
    ).toBe('businessHours.weekly.mon.0.close');
    expect(
      fieldOf({
        ...ENTERPRISE_INPUT,
        businessHours: { weekly: { mon: [{ open: '25:00', close: '26:00' }] } },
      }),
    ).toBe('businessHours.weekly.mon.0.open');
    expect(fieldOf({ ...ENTERPRISE_INPUT, businessHours: { extraHolidays: ['2026-13-01'] } })).toBe(
      'businessHours.extraHolidays.0',
    );
    expect(fieldOf({ ...ENTERPRISE_INPUT, timeZone: 'Mars/Olympus' })).toBe('timeZone');
    expect(fieldOf({ ...ENTERPRISE_INPUT, hunt: { ringTimeoutSeconds: 1 } })).toBe('hunt.ringTimeoutSeconds');
    const cyclic: RoutingConfigInput = {
      ...ENTERPRISE_INPUT,
      menus: {
        ...ENTERPRISE_INPUT.menus,
        service: { prompt: { text: { 'zh-CN': 'x' } }, options: { '0': { type: 'menu', menuId: 'main' } } },
      },
    };
    expect(fieldOf(cyclic)).toMatch(/^menus\./);
    expect(fieldOf({ ...ENTERPRISE_INPUT, regionRules: [{ destination: { type: 'hunt' } }] })).toBe(
      'regionRules.0',
    );
    expect(
      fieldOf({
        ...ENTERPRISE_INPUT,
        menus: { main: { prompt: { text: { 'en-US': 'x' } }, options: { '1': { type: 'hunt' } } } },
      }),
    ).toBe('menus.main.prompt.text.en-US');
  });

  it("individuals' numbers: no nested menus, announcement cannot be turned off", () => {
    expect(fieldOf(ENTERPRISE_INPUT, INDIVIDUAL_RULES)).toBe('menus.main.options.2');
    const flat: RoutingConfigInput = {
      ...ENTERPRISE_INPUT,
      menus: { main: { ...ENTERPRISE_INPUT.menus?.main, options: { '1': { type: 'hunt' } } } as never },
    };
    expect(fieldOf(flat, INDIVIDUAL_RULES)).toBeUndefined();
    expect(fieldOf({ ...flat, recording: { enabled: true, announcement: false } }, INDIVIDUAL_RULES)).toBe(
      'recording.announcement',
    );
    expect(fieldOf({ ...flat, recording: { enabled: true, announcement: false } })).toBeUndefined();
  });

  it('compiles E.164 numbers, the resolved calendar and the announcement', () => {
    const compiled = compileRouting(normaliseConfig(ENTERPRISE_INPUT));
    expect(compiled.numbers).toEqual({
      front: '+861058881234',
      mobile: '+8613910001234',
      south: '+862083331234',
    });
    expect(compiled.holidays).toContain('2026-10-01');
    expect(compiled.holidays).toContain('2026-12-24');
    expect(compiled.workdays).toContain('2026-10-10');
    expect(compiled.announcement).not.toBe('');
    expect(compiled.queues).toEqual({ sales: '' });
  });

  it('property: validation either accepts or throws a validation error with a field, never anything else', () => {
    const destination = fc.oneof(
      fc.constant({ type: 'hunt' as const }),
      fc.record({ type: fc.constant('number' as const), answerNumberId: fc.constantFrom('front', 'ghost') }),
      fc.record({ type: fc.constant('queue' as const), queueId: fc.constantFrom('sales', 'ghost') }),
      fc.record({ type: fc.constant('menu' as const), menuId: fc.constantFrom('main', 'ghost') }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 14 }), { maxLength: 3 }),
        destination,
        fc.string({ maxLength: 6 }),
        fc.integer({ min: -5, max: 200 }),
        (numbers, dest, open, ring) => {
          const input: RoutingConfigInput = {
            ...ENTERPRISE_INPUT,
            answerNumbers: [
              { id: 'front', number: '010-58881234' },
              ...numbers.map((n, i) => ({ id: `n${i}`, number: n })),
            ],
            defaultDestination: dest,
            hunt: { ringTimeoutSeconds: ring },
            businessHours: { weekly: { mon: [{ open, close: '18:00' }] } },
          };
          const field = fieldOf(input);
          if (field !== undefined) expect(field.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('calendar', () => {
  it('tenant overrides beat the maintained calendar', () => {
    const base = normaliseConfig(ENTERPRISE_INPUT).businessHours;
    const cal = resolveCalendar({ ...base, extraWorkdays: ['2026-10-02'], extraHolidays: ['2026-10-10'] });
    expect(cal.holidays).not.toContain('2026-10-02');
    expect(cal.workdays).toContain('2026-10-02');
    expect(cal.holidays).toContain('2026-10-10');
    expect(cal.workdays).not.toContain('2026-10-10');
  });

  it('business hours follow the configured zone, not UTC', () => {
    const hours = {
      timeZone: 'Asia/Shanghai',
      weekly: { wed: [{ open: '09:00', close: '18:00' }] },
      holidays: [],
      workdays: [],
      makeUpDayHours: 'mon' as const,
    };
    expect(openAt(hours, new Date('2026-11-25T01:00:00Z')).open).toBe(true); // 09:00 Shanghai
    expect(openAt(hours, new Date('2026-11-25T00:59:00Z')).open).toBe(false); // 08:59
    expect(openAt(hours, new Date('2026-11-25T10:00:00Z')).open).toBe(false); // 18:00 closes
    expect(openAt({ ...hours, timeZone: 'Europe/London' }, new Date('2026-11-25T10:00:00Z')).open).toBe(true);
  });

  it('groups holidays into contiguous closures for Connect', () => {
    expect(dateRanges(['2026-10-03', '2026-10-01', '2026-10-02', '2026-10-05'])).toEqual([
      { from: '2026-10-01', till: '2026-10-03' },
      { from: '2026-10-05', till: '2026-10-05' },
    ]);
  });
});

describe('Connect plan', () => {
  it('plans hours, a normal and a VIP queue per queue, a profile per agent group and the flow binding', () => {
    const config = normaliseConfig(ENTERPRISE_INPUT);
    const plan = planConnectResources('4008123456', config, { phoneNumberId: 'pn', contactFlowId: 'flow' });
    expect(plan.map((p) => p.key)).toEqual([
      'hours',
      'queue:sales',
      'queue:sales:vip',
      'profile:sales-team',
      'flow',
    ]);
    const profile = plan[3]?.spec({ 'queue:sales': 'q1', 'queue:sales:vip': 'q1v' }) as unknown as {
      queues: unknown[];
    };
    expect(profile.queues).toEqual([
      { queueId: 'q1v', priority: 1, delaySeconds: 0 },
      { queueId: 'q1', priority: 2, delaySeconds: 0 },
    ]);
    const hours = hoursSpec('4008123456', config);
    expect(hours.slices).toHaveLength(5);
    expect(hours.closures.find((c) => c.from === '2026-10-01')?.till).toBe('2026-10-07');
  });

  it('takes the dearest per-minute rate of the segment, plus recording', () => {
    expect(worstRatePerMinute('4008123456', false, DEFAULT_TARIFF)).toBe(30);
    expect(worstRatePerMinute('4008123456', true, DEFAULT_TARIFF)).toBe(32);
    expect(worstRatePerMinute('4007123456', false, DEFAULT_TARIFF)).toBe(20);
  });
});

describe('routing configuration: ids are the tenant’s own keys (issue 15)', () => {
  const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

  it('refuses a destination naming a menu the config lacks, even when Object.prototype has the name', () => {
    for (const name of PROTOTYPE_NAMES) {
      expect(fieldOf({ ...ENTERPRISE_INPUT, defaultDestination: { type: 'menu', menuId: name } })).toBe(
        'defaultDestination.menuId',
      );
    }
  });

  it('refuses prototype names as menu, queue and answer-number ids, naming the field', () => {
    const main = ENTERPRISE_INPUT.menus?.main;
    if (!main) throw new Error('fixture has a main menu');
    for (const name of PROTOTYPE_NAMES) {
      const menus = Object.fromEntries([[name, main]]);
      expect(
        fieldOf({ ...ENTERPRISE_INPUT, defaultDestination: { type: 'menu', menuId: name }, menus }),
      ).toBe(`menus.${name}`);
      expect(
        fieldOf({ ...ENTERPRISE_INPUT, queues: [{ id: name, name: 'Sales', agentGroup: 'sales-team' }] }),
      ).toBe('queues.0.id');
      expect(
        fieldOf({
          ...ENTERPRISE_INPUT,
          answerNumbers: [...(ENTERPRISE_INPUT.answerNumbers ?? []), { id: name, number: '13910001235' }],
        }),
      ).toBe('answerNumbers.3.id');
    }
  });
});

describe('routing configuration: extra holidays are real calendar dates (issue 15)', () => {
  it('refuses 2026-02-30, naming the field', () => {
    const hours = { ...ENTERPRISE_INPUT.businessHours, extraHolidays: ['2026-12-24', '2026-02-30'] };
    expect(fieldOf({ ...ENTERPRISE_INPUT, businessHours: hours })).toBe('businessHours.extraHolidays.1');
  });
});
