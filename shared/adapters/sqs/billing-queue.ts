/**
 * The queue between the monthly scheduler and its workers, behind a small interface: SQS in AWS
 * (BILLING_QUEUE_URL, capability `jobs`), an in-process queue locally (./in-process-queue.ts, installed
 * by the billing local capability) that calls the worker handler directly.
 */
import type { BillingMessage } from '../../domain/billing/run.js';

export interface BillingQueue {
  send(messages: readonly BillingMessage[]): Promise<void>;
}

let installed: BillingQueue | undefined;
let built: Promise<BillingQueue> | undefined;

/** The local runtime and tests install their queue here. */
export function useBillingQueue(queue: BillingQueue | undefined): void {
  installed = queue;
}

export async function billingQueue(): Promise<BillingQueue> {
  if (installed) return installed;
  built ??= import('./sqs-billing-queue.js').then((m) => m.sqsBillingQueue());
  return built;
}

/** Messages in the SQS record body: JSON, validated loosely by type (they only come from our scheduler). */
export function parseBillingMessage(body: string): BillingMessage {
  const parsed = JSON.parse(body) as BillingMessage;
  if (parsed?.type !== 'billing.charge' || !Array.isArray(parsed.tenants)) {
    throw new Error('not a billing message');
  }
  return parsed;
}
