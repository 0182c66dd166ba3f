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

/** Incidents affecting a number, overlapping or touching ones merged into single outages. */
export function outagesFor(number: string, incidents: readonly ServiceIncident[]): Outage[] {
  const affecting = incidents
    .filter((i) => i.numbers === 'all' || i.numbers.includes(number))
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
}

/** Non-zero charges only, in a fixed order (rent, value-added, minimum spend, retention, SLA credit). */
export function monthlyCharges({ contract: signed, month, usage, incidents }: MonthlyChargeInput): Charge[] {
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
      meta: { ...period, planId: contract.planId, contractId: contract.contractId },
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
      meta: { ...period, minimum, usage: used },
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

  const waived =
    incidents.length > 0 ? waivedDays(contract, incidents, active) : { days: [], incidentIds: [] };
  if (waived.days.length > 0) {
    const credit = rent - share(contract.monthlyRent, days - waived.days.length, daysInMonth);
    if (credit > 0) {
      charges.push({
        kind: 'sla_credit',
        amount: credit,
        description: `SLA credit ${month}: rent waived for ${waived.days.join(', ')}`,
        meta: { month, waivedDays: waived.days.join(','), incidents: waived.incidentIds.join(',') },
      });
    }
  }
  return charges;
}

/** The permanent ledger key of a monthly charge: a second run posts the same key and changes nothing. */
export function chargeKey(tenantId: string, number: string, month: BillingMonth, kind: string): string {
  return `${tenantId}#${number}#${month}#${kind}`;
}
