/** Shared inputs for the routing tests: a realistic enterprise configuration and its snapshot. */
import {
  compileRouting,
  normaliseConfig,
  type RoutingConfigInput,
} from '../../shared/domain/routing/config.js';
import type { AccountStatus, CallerRegion, RoutingSnapshot } from '../../shared/domain/routing/types.js';

export const WORKDAY = { open: '09:00', close: '18:00' };

export const ENTERPRISE_INPUT: RoutingConfigInput = {
  answerNumbers: [
    { id: 'front', number: '010-58881234' },
    { id: 'mobile', number: '13910001234' },
    { id: 'south', number: '020-83331234' },
  ],
  queues: [{ id: 'sales', name: 'Sales', agentGroup: 'sales-team' }],
  hunt: { mode: 'sequential', ringTimeoutSeconds: 20 },
  businessHours: {
    weekly: { mon: [WORKDAY], tue: [WORKDAY], wed: [WORKDAY], thu: [WORKDAY], fri: [WORKDAY] },
    useHolidayCalendar: true,
    extraHolidays: ['2026-12-24'],
  },
  afterHours: { type: 'message', prompt: { text: { 'zh-CN': '下班了' } }, voicemail: true },
  defaultDestination: { type: 'menu', menuId: 'main' },
  menus: {
    main: {
      prompt: { text: { 'zh-CN': '销售请按1，售后请按2' } },
      options: { '1': { type: 'queue', queueId: 'sales' }, '2': { type: 'menu', menuId: 'service' } },
      retries: 1,
      timeoutSeconds: 5,
      onFailure: { type: 'hunt' },
    },
    service: {
      prompt: { text: { 'zh-CN': '维修请按1' } },
      options: { '1': { type: 'number', answerNumberId: 'mobile' } },
      retries: 0,
      timeoutSeconds: 5,
      onFailure: { type: 'hunt' },
    },
  },
  regionRules: [
    { group: 'north_china', destination: { type: 'number', answerNumberId: 'front' } },
    { province: '广东', destination: { type: 'number', answerNumberId: 'south' } },
  ],
  recording: { enabled: true },
  blacklist: ['+8613800000000'],
  vip: ['+8618600000000'],
};

export const ENTERPRISE = normaliseConfig(ENTERPRISE_INPUT);

export const QUEUE_ARNS = {
  sales: {
    queue: 'arn:aws:connect:ap-southeast-1:111122223333:instance/i/queue/q-sales',
    vipQueue: 'arn:aws:connect:ap-southeast-1:111122223333:instance/i/queue/q-sales-vip',
  },
};

/** A prompt the tenant registered, and the Connect prompt apply made from its audio. */
export const OWN_PROMPT_ID = 'pr_0123456789abcdef0123456789abcdef';
export const PROMPT_ARNS = {
  [OWN_PROMPT_ID]: 'arn:aws:connect:ap-southeast-1:111122223333:instance/i/prompt/p-1',
};

export function snapshotOf(
  input: RoutingConfigInput = ENTERPRISE_INPUT,
  overrides: Partial<RoutingSnapshot> = {},
): RoutingSnapshot {
  return {
    number400: '4008123456',
    tenantId: 'acme',
    numberStatus: 'active',
    routing: compileRouting(normaliseConfig(input), QUEUE_ARNS, undefined, PROMPT_ARNS),
    routingVersion: 3,
    ...overrides,
  };
}

export const HEALTHY_ACCOUNT: AccountStatus = {
  balance: 100_000,
  spendDay: '2026-11-25',
  spendToday: 500,
  dailyCap: 20_000,
  status: 'active',
};

/** A tiny caller-region table for unit tests (the real one is the geo index). */
export const TEST_REGIONS: Record<string, CallerRegion> = {
  '+861066661234': { province: '北京', city: '北京' },
  '+862087654321': { province: '广东', city: '广州' },
  '+862161234567': { province: '上海', city: '上海' },
  '+8613910001234': { province: '北京', city: '北京' },
};
export const testRegionOf = (n: string) => TEST_REGIONS[n];

/** 2026-11-25 is a Wednesday; 10:00 Shanghai is 02:00Z. */
export const WED_10AM = new Date('2026-11-25T02:00:00Z');
export const WED_8PM = new Date('2026-11-25T12:00:00Z');
export const NATIONAL_DAY = new Date('2026-10-01T02:00:00Z');
/** Saturday 2026-10-10 is a make-up workday. */
export const MAKE_UP_SATURDAY = new Date('2026-10-10T02:00:00Z');
export const PLAIN_SATURDAY = new Date('2026-11-28T02:00:00Z');
