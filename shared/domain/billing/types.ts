/**
 * What monthly billing needs to know about a contract, a number's usage and service incidents. The
 * adapters map the numbers capability's contract items and the money capability's usage onto these.
 * Amounts are integer fen; days are local dates in the contract's zone, ranges half-open [from, to).
 */
import type { LocalDate } from './calendar.js';
import type { PriceChange } from './tariffs.js';

export interface ValueAddedFeature {
  /** recording, ivr, blacklist, sms_bundle, … */
  readonly code: string;
  /** Monthly fee in fen for a whole month of service. */
  readonly monthlyFee: number;
}

export interface DateRange {
  readonly from: LocalDate;
  /** Exclusive; absent while open. */
  readonly to?: LocalDate;
}

export interface BillingContract {
  readonly contractId: string;
  readonly tenantId: string;
  readonly number: string;
  readonly planId: string;
  /** Monthly rent for a whole month (fen). */
  readonly monthlyRent: number;
  /** Minimum monthly usage spend (fen); 0 for none. */
  readonly minimumSpend: number;
  /** Retention fee per whole month suspended (fen). */
  readonly retentionFee: number;
  /** Enabled features the plan does not include, each billed monthly. */
  readonly valueAdded: readonly ValueAddedFeature[];
  /** First day of service (the activation day, local). */
  readonly serviceFrom: LocalDate;
  /** First day without service (ended, cancelled); absent while the contract runs. */
  readonly serviceTo?: LocalDate;
  /** Days the number was suspended with retention (no rent, retention fee instead). */
  readonly suspensions: readonly DateRange[];
  /** An outage longer than this (minutes) waives the rent of the days it touches. Default 120. */
  readonly slaThresholdMinutes: number;
  /** Current term [termStart, termEnd); termEnd is the first day after it. */
  readonly termStart: LocalDate;
  readonly termEnd: LocalDate;
  readonly termMonths: number;
  readonly autoRenew: boolean;
  readonly timeZone: string;
  /** Scheduled tariff versions of the contract's plan (shared/domain/billing/tariffs.ts). */
  readonly priceChanges?: readonly PriceChange[];
}

export interface NumberUsage {
  readonly number: string;
  readonly calls: number;
  readonly billedSeconds: number;
  /** Usage charges in fen, as a positive cost. */
  readonly charges: number;
}

export interface ServiceIncident {
  readonly incidentId: string;
  readonly startAt: string;
  readonly endAt: string;
  /** Affected 400 numbers, or 'all'. */
  readonly numbers: readonly string[] | 'all';
  readonly description: string;
}

export type ChargeKind = 'monthly_rent' | 'value_added' | 'minimum_spend' | 'retention_fee' | 'sla_credit';

export interface Charge {
  readonly kind: ChargeKind;
  /** Signed fen as the ledger takes it: debits negative, the SLA credit positive. */
  readonly amount: number;
  readonly description: string;
  readonly meta: Readonly<Record<string, string | number | boolean>>;
  /** An SLA credit's place in its month's chain of credits (absent: 1, the month's own key). */
  readonly sequence?: number;
}

export const DEFAULT_SLA_THRESHOLD_MINUTES = 120;
