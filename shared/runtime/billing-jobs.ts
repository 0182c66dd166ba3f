/**
 * The composition root of billing's scheduled jobs and worker: the use cases built with the DynamoDB
 * stores, the billing queue, the ledger, the numbers capability's cancellation path, the notifications
 * port and the clock in force. The jobs call these and nothing below.
 */

import { DynamoRoutingStore } from '../adapters/dynamo/routing-store.js';
import { billingQueue } from '../adapters/sqs/billing-queue.js';
import { applyTariffVersions } from '../app/billing/apply-tariff-versions.js';
import { cachedMonthReads, type MonthReads } from '../app/billing/month-reads.js';
import { processBillingBatch } from '../app/billing/process-billing-batch.js';
import { runMonthlyBilling } from '../app/billing/run-monthly-billing.js';
import { sweepContractTerms } from '../app/billing/sweep-contract-terms.js';
import { refreshRateSteps } from '../app/routing/refresh-rate-steps.js';
import type { ChargeBatchMessage } from '../domain/billing/run.js';
import type { LedgerPort } from '../domain/ledger/types.js';
import { logger } from '../observability.js';
import type { NotificationsPort } from '../ports/notifications.js';
import { billingStores, billingZone } from './billing.js';
import { numberCancellations } from './number-cancellations.js';
import { clock, port } from './ports.js';
import { tariffsFrom } from './tariffs.js';

/** The queue's message body, as the worker parses it. */
export { parseBillingMessage } from '../adapters/sqs/billing-queue.js';

let ledgerOverride: LedgerPort | undefined;
/** Tests install a ledger that fails on cue (a worker killed mid-batch); undefined restores the store. */
export function useBillingLedger(ledger: LedgerPort | undefined): void {
  ledgerOverride = ledger;
}

async function billingLedger(): Promise<LedgerPort> {
  if (ledgerOverride) return ledgerOverride;
  return (await import('./ledger.js')).ledger();
}

// One per process, shared by the scheduler and the workers beside it (its fresh reads refresh theirs).
let monthReads: MonthReads | undefined;
const reads = () => {
  monthReads ??= cachedMonthReads(billingStores);
  return monthReads;
};

/** Statements are announced best effort: without a notifications port they are still written. */
async function notificationsIfAny(): Promise<NotificationsPort | undefined> {
  try {
    return await port('notifications');
  } catch (error) {
    logger.warn('no notifications port: statements not announced', { error: error as Error });
    return undefined;
  }
}

export const billingJobs = {
  async runMonthlyBilling(at: string) {
    const deps = { ...billingStores, reads: reads(), queue: await billingQueue(), clock: clock() };
    return runMonthlyBilling(deps, at, billingZone());
  },

  async processBillingBatch(message: ChargeBatchMessage) {
    const deps = {
      ...billingStores,
      ledger: await billingLedger(),
      reads: reads(),
      notifications: await notificationsIfAny(),
      clock: clock(),
      log: logger,
    };
    return processBillingBatch(deps, message, billingZone());
  },

  async sweepContractTerms(at: string) {
    const deps = {
      contracts: billingStores.contracts,
      numbers: numberCancellations,
      notifications: await port('notifications'),
    };
    return sweepContractTerms(deps, at, billingZone());
  },

  async applyTariffVersions(at: string) {
    const deps = {
      ...billingStores,
      notifications: await port('notifications'),
      // Routing's snapshots carry the worst rates call setup reads: new per-minute prices refresh them, and
      // snapshots without any get theirs until a run leaves none (then recorded, and no run scans for them).
      refreshCallRates: (now: string, options: { readonly pricesChanged: boolean }) =>
        refreshRateSteps({ routing: new DynamoRoutingStore(), tariffsFrom }, now, options),
    };
    return applyTariffVersions(deps, at, billingZone());
  },
};
