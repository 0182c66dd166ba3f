/**
 * Primary course: once a day, each provider's statement of the day is compared with the payments we
 * credited that day; any difference (missing here, extra here, another amount) is kept and raised to
 * operators (logged, counted, alarmed). Running it twice for a day changes nothing and alerts once.
 */
import {
  type NotifyingChannel,
  type ReconciliationDifference,
  reconcile,
} from '../../domain/payments/payments.js';
import type { PaymentStore, PaymentsMonitor, PaymentsPort } from '../../ports/payments.js';

export interface ReconcileDeps {
  readonly store: PaymentStore;
  readonly payments: PaymentsPort;
  readonly monitor: PaymentsMonitor;
}

export interface ChannelReconciliation {
  readonly channel: NotifyingChannel;
  readonly day: string;
  readonly differences: readonly ReconciliationDifference[];
  /** False when this very result was already recorded (a second run). */
  readonly recordedNow: boolean;
  /** Why this channel could not be reconciled (its statement could not be read); the job counts it failed. */
  readonly error?: string;
}

export async function reconcilePayments(
  deps: ReconcileDeps,
  input: { readonly day: string; readonly channels: readonly NotifyingChannel[]; readonly now: Date },
): Promise<ChannelReconciliation[]> {
  const results: ChannelReconciliation[] = [];
  for (const channel of input.channels) {
    const provider = await deps.payments.provider(channel);
    let statement: Awaited<ReturnType<typeof provider.statement>>;
    try {
      statement = await provider.statement(input.day);
    } catch (error) {
      // Variation: one provider's statement is unavailable: the others are still reconciled.
      results.push({ channel, day: input.day, differences: [], recordedNow: false, error: String(error) });
      continue;
    }
    const recorded = await deps.store.recordedPayments(channel, input.day);
    const differences = reconcile(recorded, statement);
    const recordedNow = await deps.store.saveReconciliation(
      channel,
      input.day,
      differences,
      input.now.toISOString(),
    );
    if (recordedNow && differences.length > 0)
      deps.monitor.reconciliationDifferences(channel, input.day, differences.length);
    results.push({ channel, day: input.day, differences, recordedNow });
  }
  return results;
}
