/**
 * A contract's charges for one month: rent and value-added fees for the days in service, the
 * minimum-spend true-up, retention fees for suspended days, and the SLA credit. Pure; the monthly
 * worker posts the result to the ledger under `tenant#number#YYYY-MM#kind`.
 */
import {
  addDays,
  type BillingMonth,
  daysBetween,
  type LocalDate,
  localDateOf,
  monthBounds,
} from './calendar.js';
import { share } from './proration.js';
import { pricedFor } from './tariffs.js';
import type { BillingContract, Charge, DateRange, NumberUsage, ServiceIncident } from './types.js';

/** `YYYY-MM-DD` of a day of a month, without a Date per day (billing walks every day of every contract). */
const dayOfMonth = (month: BillingMonth, day: number): LocalDate => `${month}-${day < 10 ? '0' : ''}${day}`;

export interface MonthDays {
  /** Days in service and not suspended: rent, fees and minimum spend apply. */
  readonly active: readonly LocalDate[];
  /** Days in service but suspended with retention. */
  readonly suspended: readonly LocalDate[];
  readonly daysInMonth: number;
}

const inRange = (day: LocalDate, range: DateRange) =>
  day >= range.from && (range.to === undefined || day < range.to);

export function classifyDays(contract: BillingContract, month: BillingMonth): MonthDays {
  const { from, to, days } = monthBounds(month, contract.timeZone);
  const active: LocalDate[] = [];
  const suspended: LocalDate[] = [];
  // Fast path for the common case: in service all month, never suspended.
  if (
    contract.serviceFrom <= from &&
    (contract.serviceTo === undefined || contract.serviceTo >= to) &&
    !contract.suspensions.some((s) => s.from < to && (s.to === undefined || s.to > from))
  ) {
    for (let i = 0; i < days; i++) active.push(dayOfMonth(month, i + 1));
    return { active, suspended, daysInMonth: days };
  }
  for (let i = 0; i < days; i++) {
    const day = dayOfMonth(month, i + 1);
    if (!inRange(day, { from: contract.serviceFrom, to: contract.serviceTo })) continue;
    if (contract.suspensions.some((s) => inRange(day, s))) suspended.push(day);
    else active.push(day);
  }
  return { active, suspended, daysInMonth: days };
}

export interface Outage {
  readonly startAt: string;
  readonly endAt: string;
  readonly incidentIds: readonly string[];
}

/** Whether an incident affects a number. */
export const affectsNumber = (incident: ServiceIncident, number: string): boolean =>
  incident.numbers === 'all' || incident.numbers.includes(number);

/** Incidents affecting a number, overlapping or touching ones merged into single outages. */
export function outagesFor(number: string, incidents: readonly ServiceIncident[]): Outage[] {
  const affecting = incidents
    .filter((i) => affectsNumber(i, number))
    .map((i) => ({ start: Date.parse(i.startAt), end: Date.parse(i.endAt), id: i.incidentId }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number; ids: string[] }[] = [];
  for (const i of affecting) {
    const last = merged[merged.length - 1];
    if (last && i.start <= last.end) {
      last.end = Math.max(last.end, i.end);
      last.ids.push(i.id);
    } else merged.push({ start: i.start, end: i.end, ids: [i.id] });
  }
  return merged.map((o) => ({
    startAt: new Date(o.start).toISOString(),
    endAt: new Date(o.end).toISOString(),
    incidentIds: o.ids,
  }));
}

/**
 * Local days whose rent is waived: every day touched by an outage strictly longer than the threshold
 * (the handbook's "故障超过2小时减免当日月租费"), limited to the given active days.
 */
export function waivedDays(
  contract: BillingContract,
  incidents: readonly ServiceIncident[],
  activeDays: readonly LocalDate[],
): { days: LocalDate[]; incidentIds: string[] } {
  const thresholdMs = contract.slaThresholdMinutes * 60_000;
  const active = new Set(activeDays);
  const days = new Set<LocalDate>();
  const ids = new Set<string>();
  for (const outage of outagesFor(contract.number, incidents)) {
    const start = Date.parse(outage.startAt);
    const end = Date.parse(outage.endAt);
    if (end - start <= thresholdMs) continue;
    const first = localDateOf(new Date(start), contract.timeZone);
    const last = localDateOf(new Date(end - 1), contract.timeZone);
    let touched = false;
    for (let i = 0, n = daysBetween(first, last); i <= n; i++) {
      const day = addDays(first, i);
      if (active.has(day)) {
        days.add(day);
        touched = true;
      }
    }
    if (touched) for (const id of outage.incidentIds) ids.add(id);
  }
  return { days: [...days].sort(), incidentIds: [...ids].sort() };
}

export interface MonthlyChargeInput {
  readonly contract: BillingContract;
  readonly month: BillingMonth;
  readonly usage?: NumberUsage;
  readonly incidents: readonly ServiceIncident[];
  /**
   * The month's SLA credits already in the ledger for this number (see `creditChain`): the SLA credit
   * charged is what the waiver comes to beyond them. Absent: none posted yet.
   */
  readonly slaCredited?: CreditChain;
}

/** What the month's outages waive: rent of the waived days, as the difference of two shares (no rounding drift). */
export interface SlaWaiver {
  readonly month: BillingMonth;
  /** Rent charged for the month's active days (fen, positive). */
  readonly rent: number;
  /** Rent waived (fen, positive): rent − the share of the days not waived; never more than `rent`. */
  readonly credit: number;
  readonly days: readonly LocalDate[];
  readonly incidentIds: readonly string[];
}

function waiverOf(
  contract: BillingContract,
  month: BillingMonth,
  active: readonly LocalDate[],
  daysInMonth: number,
  incidents: readonly ServiceIncident[],
): SlaWaiver {
  const rent = share(contract.monthlyRent, active.length, daysInMonth);
  const waived =
    incidents.length > 0 ? waivedDays(contract, incidents, active) : { days: [], incidentIds: [] };
  const credit =
    waived.days.length > 0
      ? rent - share(contract.monthlyRent, active.length - waived.days.length, daysInMonth)
      : 0;
  return { month, rent, credit, days: waived.days, incidentIds: waived.incidentIds };
}

/** The SLA waiver of a month for a contract, priced with that month's tariff and its own days. */
export function slaWaiver(
  signed: BillingContract,
  month: BillingMonth,
  incidents: readonly ServiceIncident[],
): SlaWaiver {
  const contract = pricedFor(signed, month);
  const { active, daysInMonth } = classifyDays(contract, month);
  return waiverOf(contract, month, active, daysInMonth, incidents);
}

/** Non-zero charges only, in a fixed order (rent, value-added, minimum spend, retention, SLA credit). */
export function monthlyCharges({
  contract: signed,
  month,
  usage,
  incidents,
  slaCredited,
}: MonthlyChargeInput): Charge[] {
  const contract = pricedFor(signed, month);
  const { active, suspended, daysInMonth } = classifyDays(contract, month);
  const charges: Charge[] = [];
  const days = active.length;
  const period = { month, activeDays: days, daysInMonth };

  const rent = share(contract.monthlyRent, days, daysInMonth);
  if (rent > 0) {
    charges.push({
      kind: 'monthly_rent',
      amount: -rent,
      description:
        days === daysInMonth
          ? `Monthly rent ${month}`
          : `Monthly rent ${month}, ${days} of ${daysInMonth} days`,
      meta: { planId: contract.planId, contractId: contract.contractId, ...period },
    });
  }

  const features: Record<string, number> = {};
  let valueAdded = 0;
  for (const feature of contract.valueAdded) {
    const fee = share(feature.monthlyFee, days, daysInMonth);
    if (fee > 0) {
      features[`feature.${feature.code}`] = fee;
      valueAdded += fee;
    }
  }
  if (valueAdded > 0) {
    charges.push({
      kind: 'value_added',
      amount: -valueAdded,
      description: `Value-added services ${month}: ${Object.keys(features)
        .map((k) => k.slice('feature.'.length))
        .join(', ')}`,
      meta: { ...period, ...features },
    });
  }

  const minimum = share(contract.minimumSpend, days, daysInMonth);
  const used = usage?.charges ?? 0;
  if (minimum > used) {
    charges.push({
      kind: 'minimum_spend',
      amount: -(minimum - used),
      description: `Minimum spend true-up ${month}: usage ${used} below minimum ${minimum}`,
      meta: { minimum, usage: used, ...period },
    });
  }

  const retention = share(contract.retentionFee, suspended.length, daysInMonth);
  if (retention > 0) {
    charges.push({
      kind: 'retention_fee',
      amount: -retention,
      description: `Retention fee ${month}, ${suspended.length} of ${daysInMonth} days suspended`,
      meta: { month, suspendedDays: suspended.length, daysInMonth },
    });
  }

  const waiver = waiverOf(contract, month, active, daysInMonth, incidents);
  const credit = slaCreditDue(waiver, slaCredited);
  if (credit > 0) {
    const sequence = slaCredited?.nextSequence ?? 1;
    charges.push({
      kind: 'sla_credit',
      amount: credit,
      description: `SLA credit ${month}: rent waived for ${waiver.days.join(', ')}`,
      meta: {
        month,
        waivedDays: waiver.days.join(','),
        incidents: waiver.incidentIds.join(','),
        ...(sequence > 1 ? { creditSequence: sequence } : {}),
      },
      ...(sequence > 1 ? { sequence } : {}),
    });
  }
  return charges;
}

/** The permanent ledger key of a monthly charge: a second run posts the same key and changes nothing. */
export function chargeKey(tenantId: string, number: string, month: BillingMonth, kind: string): string {
  return `${tenantId}#${number}#${month}#${kind}`;
}

/**
 * SLA credits of a (tenant, number, outage month) form a chain of permanent keys: the month's own run
 * posts `tenant#number#YYYY-MM#sla_credit` (sequence 1), and a later run that finds more waived (an
 * outage recorded late) posts the difference as `…#sla_credit#2`, `#3`, …. Each poster reads the chain
 * first and takes the next sequence, so two posters racing post the same key: the ledger keeps one (or
 * refuses the second, if their amounts differ, and its retry reads the longer chain). Whatever runs post
 * it, the month's credits add up to its waiver, once.
 */
export function slaCreditKey(
  tenantId: string,
  number: string,
  month: BillingMonth,
  sequence: number,
): string {
  const first = chargeKey(tenantId, number, month, 'sla_credit');
  return sequence <= 1 ? first : `${first}#${sequence}`;
}

/** How many months back a run looks for outages recorded after their month was billed. */
export const LATE_CREDIT_MONTHS = 3;

/** A number's ledger entries charged for a month (its `tenant#number#YYYY-MM#…` keys), summarised. */
export interface CreditChain {
  /** Rent posted for the month (fen, positive); undefined when none was (the month is not billed). */
  readonly rentCharged?: number;
  /** Σ of the month's SLA credits posted so far. */
  readonly credited: number;
  /** The sequence the next SLA credit of the month takes. */
  readonly nextSequence: number;
}

export function creditChain(
  tenantId: string,
  number: string,
  month: BillingMonth,
  entries: readonly { readonly key: string; readonly amount: number }[],
): CreditChain {
  const rentKey = chargeKey(tenantId, number, month, 'monthly_rent');
  const first = slaCreditKey(tenantId, number, month, 1);
  let rentCharged: number | undefined;
  let credited = 0;
  let last = 0;
  for (const e of entries) {
    if (e.key === rentKey) rentCharged = (rentCharged ?? 0) - e.amount;
    else if (e.key === first) {
      credited += e.amount;
      last = Math.max(last, 1);
    } else if (e.key.startsWith(`${first}#`)) {
      const sequence = Number(e.key.slice(first.length + 1));
      if (!Number.isSafeInteger(sequence) || sequence < 2) continue;
      credited += e.amount;
      last = Math.max(last, sequence);
    }
  }
  return { credited, nextSequence: last + 1, ...(rentCharged !== undefined ? { rentCharged } : {}) };
}

/** The credit still owed: the waiver (capped at the rent actually charged) less what was credited. */
export function slaCreditDue(waiver: SlaWaiver, chain: CreditChain | undefined): number {
  if (!chain) return waiver.credit;
  const cap = Math.min(waiver.credit, chain.rentCharged ?? waiver.rent);
  return Math.max(0, cap - chain.credited);
}

export interface LateSlaCreditInput {
  readonly contract: BillingContract;
  /** The month the outage happened in (already billed). */
  readonly outageMonth: BillingMonth;
  /** Every incident overlapping the outage month (earlier-recorded ones too: overlapping outages merge). */
  readonly incidents: readonly ServiceIncident[];
  /** The outage month's charges of this number in the ledger now. */
  readonly chain: CreditChain;
  /** The month whose run applies the credit (its statement shows it). */
  readonly appliedIn: BillingMonth;
  /** The incidents recorded after the month was billed, named on the line (default: every one waived). */
  readonly recordedLate?: readonly string[];
  /** The outage month's waiver, when the caller already worked it out. */
  readonly waiver?: SlaWaiver;
}

/**
 * The SLA credit an earlier, billed month still owes (an outage recorded after its run), or undefined.
 * Priced with the outage month's rent and days; nothing for a month whose rent was never charged.
 */
export function lateSlaCredit(input: LateSlaCreditInput): (Charge & { sequence: number }) | undefined {
  const { contract, outageMonth, incidents, chain, appliedIn, recordedLate } = input;
  if (chain.rentCharged === undefined || chain.rentCharged <= 0) return undefined;
  const waiver = input.waiver ?? slaWaiver(contract, outageMonth, incidents);
  const amount = slaCreditDue(waiver, chain);
  if (amount <= 0) return undefined;
  const late = recordedLate ? waiver.incidentIds.filter((id) => recordedLate.includes(id)) : [];
  const named = late.length > 0 ? late : waiver.incidentIds;
  return {
    kind: 'sla_credit',
    amount,
    sequence: chain.nextSequence,
    description: `SLA credit for ${outageMonth} (outage recorded late, incidents ${named.join(', ')}): rent waived for ${waiver.days.join(', ')}${chain.credited > 0 ? `, less ${chain.credited} fen credited before` : ''}`,
    meta: {
      month: outageMonth,
      outageMonth,
      appliedIn,
      waivedDays: waiver.days.join(','),
      incidents: waiver.incidentIds.join(','),
      creditSequence: chain.nextSequence,
    },
  };
}
