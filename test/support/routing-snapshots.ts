/** A routing snapshot the way call setup reads it: one answer number, always open, no menus or lists. */
export function alwaysOpenSnapshot(fields: Readonly<Record<string, unknown>>): never {
  return {
    numberStatus: 'active',
    tenantId: 'acme',
    ...fields,
    routing: {
      language: 'zh-CN',
      recording: false,
      announcement: '',
      numbers: { a: '+8613800000000' },
      huntOrder: ['a'],
      huntMode: 'sequential',
      ringTimeoutSeconds: 20,
      queues: {},
      vipQueues: {},
      menus: {},
      vip: [],
      blacklist: [],
      regionRules: [],
      defaultDestination: { type: 'hunt' },
      afterHours: { type: 'hunt' },
      hours: { zone: 'Asia/Shanghai', weekly: [], alwaysOpen: true },
      holidays: [],
    },
  } as never;
}
