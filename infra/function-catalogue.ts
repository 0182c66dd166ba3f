/**
 * Functions that are not HTTP routes: the Connect routing Lambda, the contact-record stream consumer and
 * the scheduled jobs. The stateless stack creates one function per row; the local runtime reads JOBS to
 * serve POST /local/jobs/{name}. (HTTP functions come from shared/http/routes.ts.)
 */
import type { Capability, TableAccess } from '../shared/http/routes.js';
import type { TableId } from '../shared/tables.js';
import { BILLING_FUNCTIONS, BILLING_JOBS } from './catalogue/billing.js';
import { MONEY_FUNCTIONS, MONEY_JOBS } from './catalogue/money.js';
import { NOTIFICATION_FUNCTIONS } from './catalogue/notifications.js';
import { NUMBER_FUNCTIONS, NUMBER_JOBS } from './catalogue/numbers.js';
import { PAYMENT_FUNCTIONS, PAYMENT_JOBS } from './catalogue/payments.js';
import { ROUTING_FUNCTIONS, ROUTING_JOBS } from './catalogue/routing.js';

export interface FunctionRow {
  readonly id: string;
  /** Module relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly tables: Partial<Record<TableId, TableAccess>>;
  readonly capabilities?: readonly Capability[];
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  readonly description: string;
  /** Files (relative to the repository root) copied beside the bundle, e.g. the geo index for routeCall. */
  readonly assets?: readonly string[];
}

export interface JobRow extends FunctionRow {
  /** Job name used by POST /local/jobs/{name} and in logs. */
  readonly name: string;
  /**
   * EventBridge Scheduler cron expression, evaluated in `timeZone`. Absent: a one-off job, run by hand
   * (`aws lambda invoke`, or POST /local/jobs/{name} locally); no schedule is created.
   */
  readonly schedule?: string;
  readonly timeZone: string;
}

/**
 * Non-HTTP functions by area: the routing Lambda (id `routeCall`, invoked by the contact flow), the
 * contact-record consumer (id `ctrIngest`, Kinesis event source) and any workers.
 */
export const FUNCTIONS: readonly FunctionRow[] = [
  ...NUMBER_FUNCTIONS,
  ...ROUTING_FUNCTIONS,
  ...MONEY_FUNCTIONS,
  ...BILLING_FUNCTIONS,
  ...PAYMENT_FUNCTIONS,
  ...NOTIFICATION_FUNCTIONS,
];

/** Scheduled jobs; each handler takes `{ at?: string }` (the scheduled instant) and is safe to run twice. */
export const JOBS: readonly JobRow[] = [
  ...NUMBER_JOBS,
  ...ROUTING_JOBS,
  ...MONEY_JOBS,
  ...BILLING_JOBS,
  ...PAYMENT_JOBS,
];
