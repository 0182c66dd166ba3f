/** What the numbers use cases run on: stores, the outside world behind ports, configuration. */
import type { LedgerPort } from '../../domain/ledger/types.js';
import type { NumbersConfig } from '../../domain/numbers/config.js';
import type { ActivationStore } from '../../ports/activation-store.js';
import type { ApplicationStore } from '../../ports/application-store.js';
import type { BalanceRefunds } from '../../ports/balance-refunds.js';
import type { DocumentsPort } from '../../ports/documents.js';
import type { NotificationsPort } from '../../ports/notifications.js';
import type { NumberEffectStore } from '../../ports/number-effect-store.js';
import type { ArrearsStore, NumberStore } from '../../ports/number-store.js';
import type { PrepaidFunds } from '../../ports/prepaid-funds.js';
import type { RoutingHandOver } from '../../ports/routing-hand-over.js';
import type { TelephonyPort } from '../../ports/telephony.js';
import type { TenantDirectory } from '../../ports/tenant-directory.js';
import type { WorkQueue } from '../../ports/work-queue.js';
import type { ActivationMessage } from './activation.js';

export interface NumbersDeps {
  readonly numbers: NumberStore;
  readonly applications: ApplicationStore;
  readonly effects: NumberEffectStore;
  readonly arrears: ArrearsStore;
  /** Clears a number's routing when it changes hands. */
  readonly routingHandOver: RoutingHandOver;
  /** Which tenants exist (a transfer goes only to one). */
  readonly tenants: TenantDirectory;
  /** Approved numbers' activations (the claim in Connect in progress). */
  readonly activations: ActivationStore;
  /** The activation worker's queue, built on first use. */
  readonly activationQueue: () => Promise<WorkQueue<ActivationMessage>>;
  /** Where the selection fee, settlements and fees given back post. */
  readonly ledger: LedgerPort;
  /** The tenant's paid-in money, read to fund an approval. */
  readonly funds: PrepaidFunds;
  /**
   * The refusal point's rate at an instant (the dearest minute of the tariff in force, as call setup reads
   * it): the fees an approval debits cross the balance alerts there.
   */
  readonly refusalRateAt: (at: Date) => Promise<number>;
  /** Refunds at cancellation of the last number, through payments (only money paid in, per payment). */
  readonly refunds: BalanceRefunds;
  /** Ports built on first use, so a use case that needs no Connect never loads it. */
  readonly telephony: () => Promise<TelephonyPort>;
  readonly notifications: () => Promise<NotificationsPort>;
  readonly documents: () => Promise<DocumentsPort>;
  readonly config: NumbersConfig;
  /** A new unique id (UUID) for applications and documents. */
  readonly newId: () => string;
  readonly log: {
    error(message: string, attributes?: Readonly<Record<string, unknown>>): void;
  };
}
