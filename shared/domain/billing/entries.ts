/**
 * From contracts and charges to ledger entries, and back from ledger lines to a number's usage: the
 * mapping the monthly run applies on both sides of the ledger, pure.
 */

import type { LedgerEntryInput } from '../ledger/types.js';
import type { BillingMonth, MonthBounds } from './calendar.js';
import { type CreditChain, chargeKey, monthlyCharges, slaCreditKey } from './charges.js';
import type { LedgerLine } from './statement.js';
import type { BillingContract, Charge, NumberUsage, ServiceIncident } from './types.js';

/** True when a contract has any service day in the month (a lapsed or future one is not billed). */
export function serves(contract: BillingContract, bounds: MonthBounds): boolean {
  return (
    contract.serviceFrom < bounds.to && (contract.serviceTo === undefined || contract.serviceTo > bounds.from)
  );
}

/** Each number's calls, billed seconds and usage charges among a month's ledger lines. */
export function usageByNumber(entries: readonly LedgerLine[]): Map<string, NumberUsage> {
  const usage = new Map<string, NumberUsage>();
  for (const e of entries) {
    if ((e.kind !== 'call' && e.kind !== 'call_adjustment') || !e.number) continue;
    const before = usage.get(e.number) ?? { number: e.number, calls: 0, billedSeconds: 0, charges: 0 };
    const seconds = typeof e.meta?.billedSeconds === 'number' ? e.meta.billedSeconds : 0;
    usage.set(e.number, {
      number: e.number,
      calls: before.calls + (e.kind === 'call' ? 1 : 0),
      billedSeconds: before.billedSeconds + seconds,
      charges: before.charges - e.amount,
    });
  }
  return usage;
}

/** A contract's charge as its ledger entry (the contract's id in the meta, whatever the charge says). */
export function ledgerEntryOf(
  contract: BillingContract,
  charge: Charge,
  key: string,
  at: string,
): LedgerEntryInput {
  return {
    tenantId: contract.tenantId,
    key,
    kind: charge.kind,
    amount: charge.amount,
    at,
    description: charge.description,
    number: contract.number,
    meta: { ...charge.meta, contractId: contract.contractId },
  };
}

/**
 * A contract's monthly charges as ledger entries, dated at the month's last instant in the contract's
 * zone and keyed `tenant#number#YYYY-MM#kind` (SLA credits by their place in the month's chain).
 */
export function chargeEntries(
  contract: BillingContract,
  month: BillingMonth,
  bounds: MonthBounds,
  usage: NumberUsage | undefined,
  incidents: readonly ServiceIncident[],
  slaCredited?: CreditChain,
): LedgerEntryInput[] {
  return monthlyCharges({
    contract,
    month,
    incidents,
    ...(usage ? { usage } : {}),
    ...(slaCredited ? { slaCredited } : {}),
  }).map((charge) =>
    ledgerEntryOf(
      contract,
      charge,
      charge.kind === 'sla_credit'
        ? slaCreditKey(contract.tenantId, contract.number, month, charge.sequence ?? 1)
        : chargeKey(contract.tenantId, contract.number, month, charge.kind),
      bounds.lastInstant,
    ),
  );
}
