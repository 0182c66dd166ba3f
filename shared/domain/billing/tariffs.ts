/**
 * Tariff versions: a plan's prices change only from the first day of a month at least 30 days after the
 * change is scheduled (tenants are told once, when it is scheduled). The tariff job copies each version
 * onto the plan's contracts as a dated price change, so the monthly run and the numbers capability's
 * settlement (both through monthlyCharges) price a month identically.
 */
import { invalid } from '../errors.js';
import {
  addDays,
  type BillingMonth,
  firstDayOf,
  isLocalDate,
  type LocalDate,
  localDateOf,
} from './calendar.js';
import type { BillingContract } from './types.js';

export const TARIFF_NOTICE_DAYS = 30;

export interface PriceChange {
  /** First day the prices apply: always the 1st of a month. */
  readonly effectiveFrom: LocalDate;
  readonly monthlyRent?: number;
  readonly minimumSpend?: number;
  readonly retentionFee?: number;
}

/** Per-minute prices of a plan in one segment (fen, full rate; bands discount them as the tariff says). */
export interface SegmentRates {
  readonly localPerMinute: number;
  readonly longDistancePerMinute: number;
}

export interface TariffVersion extends PriceChange {
  readonly planId: string;
  /** New per-minute prices of the plan, by segment ('4008', …): quotes and rating use them from effectiveFrom. */
  readonly rates?: Readonly<Record<string, SegmentRates>>;
  readonly description: string;
  readonly scheduledAt: string;
}

/** The earliest date a change scheduled at `scheduledAt` may take effect. */
export function earliestEffectiveDate(scheduledAt: string, zone: string): LocalDate {
  const earliest = addDays(localDateOf(scheduledAt, zone), TARIFF_NOTICE_DAYS);
  return earliest.endsWith('-01') ? earliest : firstDayOf(nextMonthOf(earliest));
}

function nextMonthOf(date: LocalDate): BillingMonth {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function validateTariffVersion(version: TariffVersion, zone: string): void {
  if (!isLocalDate(version.effectiveFrom) || !version.effectiveFrom.endsWith('-01')) {
    throw invalid(
      'invalid_effective_date',
      'effectiveFrom must be the first day of a month (YYYY-MM-01)',
      'effectiveFrom',
    );
  }
  const earliest = earliestEffectiveDate(version.scheduledAt, zone);
  if (version.effectiveFrom < earliest) {
    throw invalid(
      'notice_too_short',
      `a tariff change needs ${TARIFF_NOTICE_DAYS} days' notice: the earliest effective date is ${earliest}`,
      'effectiveFrom',
      { earliest },
    );
  }
  if (
    version.monthlyRent === undefined &&
    version.minimumSpend === undefined &&
    version.retentionFee === undefined &&
    (version.rates === undefined || Object.keys(version.rates).length === 0)
  ) {
    throw invalid(
      'no_price_change',
      'give at least one of monthlyRent, minimumSpend, retentionFee, rates',
      'monthlyRent',
    );
  }
}

/** The contract as priced for a month: the latest change effective on the month's first day wins. */
export function pricedFor(contract: BillingContract, month: BillingMonth): BillingContract {
  const changes = contract.priceChanges;
  if (!changes || changes.length === 0) return contract;
  const first = firstDayOf(month);
  let latest: PriceChange | undefined;
  for (const c of changes)
    if (c.effectiveFrom <= first && (!latest || c.effectiveFrom > latest.effectiveFrom)) latest = c;
  if (!latest) return contract;
  return {
    ...contract,
    monthlyRent: latest.monthlyRent ?? contract.monthlyRent,
    minimumSpend: latest.minimumSpend ?? contract.minimumSpend,
    retentionFee: latest.retentionFee ?? contract.retentionFee,
  };
}
