/**
 * Contracts as billing reads them: items numbers `NUM#<number>` / `CONTRACT#<contractId>` written by the
 * numbers capability, mapped onto BillingContract. The mapping is tolerant: it names every attribute it
 * reads in one place (contractFromItem) so a change in the numbers capability's item touches only this.
 * The store reads them all (one Scan, with the lifecycle history rows billing needs) or by term end
 * (gsi3), and makes billing's own changes: renewals, notices sent, dated price changes, each conditional
 * on what was read and bumping the version the numbers capability's writes are conditioned on.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { isLocalDate, type LocalDate, localDateOf } from '../../domain/billing/calendar.js';
import { type LifecycleRow, withHistory } from '../../domain/billing/contracts.js';
import type { PriceChange } from '../../domain/billing/tariffs.js';
import {
  type BillingContract,
  type DateRange,
  DEFAULT_SLA_THRESHOLD_MINUTES,
  type ValueAddedFeature,
} from '../../domain/billing/types.js';
import type { BillingContractStore, TermEndDue } from '../../ports/billing-contracts.js';
import { type Item, int, queryAll, scanPages, str } from './billing-dynamo.js';
import { dynamo, isConditionFailure } from './client.js';

/** The numbers table's index of contracts by term end (gsi3 `DUE#contract-term` / `<termEnd>#<number>#<id>`). */
export const TERM_END_TIMER = 'DUE#contract-term';

const contractKey = (contract: BillingContract) => ({
  pk: `NUM#${contract.number}`,
  sk: `CONTRACT#${contract.contractId}`,
});

/** A date attribute given as a local date or an instant, as a local date in the zone. */
function day(value: unknown, zone: string): LocalDate | undefined {
  const s = str(value);
  if (!s) return undefined;
  if (isLocalDate(s)) return s;
  return Number.isNaN(Date.parse(s)) ? undefined : localDateOf(s, zone);
}

function features(value: unknown): ValueAddedFeature[] {
  const out: ValueAddedFeature[] = [];
  if (!Array.isArray(value)) return out;
  for (const f of value) {
    const code = str((f as Item)?.code);
    const fee = int((f as Item)?.monthlyFee, -1);
    if (code && fee >= 0) out.push({ code, monthlyFee: fee });
  }
  return out;
}

function ranges(value: unknown, zone: string): DateRange[] {
  const out: DateRange[] = [];
  if (!Array.isArray(value)) return out;
  for (const r of value) {
    const from = day((r as Item)?.from, zone);
    const to = day((r as Item)?.to, zone);
    if (from) out.push(to ? { from, to } : { from });
  }
  return out;
}

/** Stored as a map by effective date (so the tariff job can add one idempotently). */
function priceChanges(value: unknown): { priceChanges?: PriceChange[] } {
  if (typeof value !== 'object' || value === null) return {};
  const changes: PriceChange[] = [];
  for (const [effectiveFrom, raw] of Object.entries(value as Record<string, Item>)) {
    if (!isLocalDate(effectiveFrom) || typeof raw !== 'object' || raw === null) continue;
    const price = (k: string) =>
      typeof raw[k] === 'number' && Number.isSafeInteger(raw[k]) ? { [k]: raw[k] as number } : {};
    changes.push({
      effectiveFrom,
      ...price('monthlyRent'),
      ...price('minimumSpend'),
      ...price('retentionFee'),
    });
  }
  return changes.length
    ? { priceChanges: changes.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1)) }
    : {};
}

export function contractFromItem(item: Item, defaultZone: string): BillingContract | undefined {
  // Approved, not yet active: no service, nothing to bill (the activation sets serviceFrom). Void: given
  // up before it ever went into service (an approval withdrawn), nothing to bill ever.
  if (item.status === 'pending' || item.status === 'void') return undefined;
  const zone = str(item.timeZone) ?? defaultZone;
  const number = str(item.number) ?? str(item.pk)?.replace(/^NUM#/, '');
  const contractId = str(item.contractId) ?? str(item.sk)?.replace(/^CONTRACT#/, '');
  const tenantId = str(item.tenantId);
  const serviceFrom = day(item.serviceFrom ?? item.activatedAt ?? item.startDate ?? item.termStart, zone);
  const termStart = day(item.termStart ?? item.startDate, zone) ?? serviceFrom;
  const termEnd = day(item.termEnd ?? item.endDate, zone);
  if (!number || !contractId || !tenantId || !serviceFrom || !termStart || !termEnd) return undefined;
  const suspensions = ranges(item.suspensions, zone);
  // A running suspension recorded only on the number's lifecycle state.
  const suspendedAt = day(item.suspendedAt, zone);
  if (suspendedAt && !suspensions.some((s) => s.to === undefined)) suspensions.push({ from: suspendedAt });
  const serviceTo = day(item.serviceTo ?? item.endedAt ?? item.cancelledAt, zone);
  return {
    contractId,
    tenantId,
    number,
    planId: str(item.planId) ?? str(item.plan) ?? 'unknown',
    monthlyRent: int(item.monthlyRent),
    minimumSpend: int(item.minimumSpend ?? item.minimumMonthlySpend),
    retentionFee: int(item.retentionFee ?? item.retentionFeePerMonth),
    valueAdded: features(item.valueAdded ?? item.features),
    serviceFrom,
    ...(serviceTo ? { serviceTo } : {}),
    suspensions,
    slaThresholdMinutes: int(item.slaThresholdMinutes, DEFAULT_SLA_THRESHOLD_MINUTES),
    termStart,
    termEnd,
    termMonths: int(item.termMonths, 12),
    autoRenew: item.autoRenew !== false,
    timeZone: zone,
    ...priceChanges(item.priceChanges),
  };
}

/**
 * Every contract with its number's suspension history: one Scan of the numbers table for contract items
 * and the history rows that matter to billing, joined in memory by number.
 */
async function allContracts(defaultZone: string): Promise<BillingContract[]> {
  const contracts: { contract: BillingContract; fromHistory: boolean }[] = [];
  const history = new Map<string, LifecycleRow[]>();
  for await (const items of scanPages({
    TableName: tableName('numbers'),
    FilterExpression: 'begins_with(sk, :c) OR (begins_with(sk, :h) AND (#to IN (:s, :x, :q) OR #from = :s))',
    ExpressionAttributeNames: { '#to': 'to', '#from': 'from' },
    ExpressionAttributeValues: {
      ':c': 'CONTRACT#',
      ':h': 'HIST#',
      ':s': 'suspended',
      ':x': 'cancelled',
      ':q': 'quarantined',
    },
  })) {
    for (const item of items) {
      const sk = String(item.sk);
      if (sk.startsWith('CONTRACT#')) {
        const contract = contractFromItem(item, defaultZone);
        // The numbers capability keeps `suspensions` and `serviceTo` on the contract in the same
        // transaction as the history; history is only read for contracts written without them.
        if (contract) contracts.push({ contract, fromHistory: !Array.isArray(item.suspensions) });
      } else {
        const rows = history.get(String(item.pk)) ?? [];
        rows.push({ at: String(item.at), from: String(item.from), to: String(item.to) });
        history.set(String(item.pk), rows);
      }
    }
  }
  return contracts.map(({ contract, fromHistory }) => {
    const rows = fromHistory ? history.get(`NUM#${contract.number}`) : undefined;
    return rows ? withHistory(contract, rows) : contract;
  });
}

/** Contracts whose term ends before `before`, from the term-end index. */
async function termsEndingBefore(
  before: LocalDate,
  defaultZone: string,
): Promise<{ checked: number; due: TermEndDue[] }> {
  const items = await queryAll({
    TableName: tableName('numbers'),
    IndexName: 'gsi3',
    KeyConditionExpression: 'gsi3pk = :p AND gsi3sk < :h',
    ExpressionAttributeValues: { ':p': TERM_END_TIMER, ':h': before },
  });
  const due: TermEndDue[] = [];
  for (const item of items) {
    const contract = contractFromItem(item, defaultZone);
    const noticeSentFor = str(item.noticeSentFor);
    if (contract) due.push(noticeSentFor ? { contract, noticeSentFor } : { contract });
  }
  return { checked: items.length, due };
}

/** Renews the term, conditional on the term read; bumps the version the numbers capability checks. */
async function renewTerm(
  contract: BillingContract,
  next: { termStart: LocalDate; termEnd: LocalDate },
  at: string,
): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('numbers'),
        Key: contractKey(contract),
        UpdateExpression: 'SET termStart = :s, termEnd = :e, renewedAt = :at, gsi3sk = :g ADD version :one',
        ConditionExpression: 'termEnd = :old AND attribute_not_exists(serviceTo)',
        ExpressionAttributeValues: {
          ':s': next.termStart,
          ':e': next.termEnd,
          ':at': at,
          ':old': contract.termEnd,
          ':g': `${next.termEnd}#${contract.number}#${contract.contractId}`,
          ':one': 1,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function markNoticeSent(contract: BillingContract, termEnd: LocalDate, at: string): Promise<void> {
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: tableName('numbers'),
        Key: contractKey(contract),
        UpdateExpression: 'SET noticeSentFor = :t, noticeSentAt = :at ADD version :one',
        ConditionExpression: 'termEnd = :t AND (attribute_not_exists(noticeSentFor) OR noticeSentFor <> :t)',
        ExpressionAttributeValues: { ':t': termEnd, ':at': at, ':one': 1 },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
}

/** Stored as a map by effective date (priceChanges.<effectiveFrom>), so a second copy is refused. */
async function addPriceChange(contract: BillingContract, change: PriceChange): Promise<void> {
  const Key = contractKey(contract);
  const prices = {
    ...(change.monthlyRent !== undefined ? { monthlyRent: change.monthlyRent } : {}),
    ...(change.minimumSpend !== undefined ? { minimumSpend: change.minimumSpend } : {}),
    ...(change.retentionFee !== undefined ? { retentionFee: change.retentionFee } : {}),
  };
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('numbers'),
      Key,
      UpdateExpression: 'SET priceChanges = if_not_exists(priceChanges, :empty)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':empty': {} },
    }),
  );
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: tableName('numbers'),
        Key,
        UpdateExpression: 'SET priceChanges.#d = :p ADD version :one',
        ConditionExpression: 'attribute_not_exists(priceChanges.#d)',
        ExpressionAttributeNames: { '#d': change.effectiveFrom },
        ExpressionAttributeValues: { ':p': prices, ':one': 1 },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
}

export const dynamoBillingContracts: BillingContractStore = {
  all: allContracts,
  termsEndingBefore,
  renewTerm,
  markNoticeSent,
  addPriceChange,
};
