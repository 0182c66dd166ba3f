import type { FunctionRow, JobRow } from '../function-catalogue.js';

export const ROUTING_FUNCTIONS: readonly FunctionRow[] = [
  {
    id: 'routeCall',
    entry: 'functions/connect/route-call.ts',
    // Reads only: the routing snapshot and the account item (one BatchGetItem at most per cache miss).
    tables: { routing: 'read', ledger: 'read' },
    // Small and warm: Connect waits for it on every call (InvokeLambdaFunction, 3 s).
    memoryMb: 512,
    timeoutSeconds: 3,
    assets: ['shared/geo/data/cn-geo.bin'],
    description:
      'Invoked by the generic contact flow per call and step: decides transfer / queue / menu / message from the compiled routing snapshot and the account',
  },
  {
    // Wired specially (stateless stack): associated with the Connect instance, sends to the call-limits queue.
    id: 'armCallLimit',
    entry: 'functions/connect/arm-call-limit.ts',
    tables: {},
    // Connect waits for it (2 s) before connecting a call: one SQS send.
    memoryMb: 512,
    timeoutSeconds: 2,
    description:
      "Invoked by the generic contact flow just before a transfer or queue: arms the stop of the contact at the decision's maxDurationSeconds (+5 s grace)",
  },
  {
    // Wired specially (stateless stack): consumes the call-limits queue, may call connect:StopContact.
    id: 'stopContact',
    entry: 'functions/connect/stop-contact.ts',
    // Reads the call's record (GetItem): a call whose record arrived has ended and is not stopped.
    tables: { ledger: 'read' },
    memoryMb: 256,
    timeoutSeconds: 10,
    description:
      'Consumes the call-limits queue: delays a pending stop again until due (15-minute SQS hops), then Connect StopContact',
  },
  {
    // Wired specially (stateless stack, infra/catalogue/work-queues.ts): consumes the routing apply queue.
    id: 'routingApplyWorker',
    entry: 'functions/jobs/routing-apply-worker.ts',
    // ops: the stored tariff versions, for the worst per-minute rate behind call limits.
    tables: { numbers: 'read', routing: 'write', ops: 'read' },
    capabilities: ['telephony', 'prompts'],
    // Paced at 2 Connect requests/s: a large configuration's first apply takes tens of seconds.
    timeoutSeconds: 120,
    description:
      'Applies routing configurations to Amazon Connect as a resumable diff, recording each step; backs off from throttling by re-queueing with a delay',
  },
];
export const ROUTING_JOBS: readonly JobRow[] = [
  {
    id: 'holidayRecompile',
    name: 'holiday-recompile',
    entry: 'functions/jobs/holiday-recompile.ts',
    tables: { routing: 'write', numbers: 'read', ops: 'read' },
    capabilities: ['telephony', 'prompts'],
    // Cheap when nothing changed (reads only stale index entries), so a published calendar lands soon.
    schedule: 'cron(*/15 * * * ? *)',
    timeZone: 'Asia/Shanghai',
    timeoutSeconds: 300,
    description:
      'Recompiles routing snapshots (and Connect holiday overrides, diff-based) built with an older public holiday calendar; resumable',
  },
  {
    id: 'holidayCalendarCheck',
    name: 'holiday-calendar-check',
    entry: 'functions/jobs/holiday-calendar-check.ts',
    tables: { routing: 'read' },
    schedule: 'cron(0 9 * * ? *)',
    timeZone: 'Asia/Shanghai',
    timeoutSeconds: 30,
    description:
      "Warns (metric HolidayCalendarMissingYears, alarmed) when this year's public holiday calendar, or from 1 December next year's, is not published",
  },
];
