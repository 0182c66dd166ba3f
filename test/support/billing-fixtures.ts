/** Seeds contracts the way the numbers capability stores them, for billing tests and the bench. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchPutItems } from '../../shared/adapters/dynamo/billing-dynamo.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { tableName } from '../../shared/config.js';
import { account, ledgerItems } from './ledger-items.js';

export interface ContractSeed {
  readonly tenantId: string;
  readonly number: string;
  readonly contractId?: string;
  readonly planId?: string;
  readonly monthlyRent?: number;
  readonly minimumSpend?: number;
  readonly retentionFee?: number;
  readonly valueAdded?: { code: string; monthlyFee: number }[];
  readonly serviceFrom: string;
  readonly serviceTo?: string;
  readonly suspensions?: { from: string; to?: string }[];
  readonly termStart?: string;
  readonly termEnd: string;
  readonly termMonths?: number;
  readonly autoRenew?: boolean;
  readonly slaThresholdMinutes?: number;
}

export function contractItem(seed: ContractSeed): Record<string, unknown> {
  const contractId = seed.contractId ?? `c-${seed.number}`;
  return {
    pk: `NUM#${seed.number}`,
    sk: `CONTRACT#${contractId}`,
    type: 'contract',
    contractId,
    tenantId: seed.tenantId,
    number: seed.number,
    planId: seed.planId ?? 'business',
    monthlyRent: seed.monthlyRent ?? 20_000,
    minimumSpend: seed.minimumSpend ?? 10_000,
    retentionFee: seed.retentionFee ?? 1_500,
    valueAdded: seed.valueAdded ?? [],
    serviceFrom: seed.serviceFrom,
    ...(seed.serviceTo ? { serviceTo: seed.serviceTo } : {}),
    // Absent unless given: billing then reads suspensions from the number's history rows.
    ...(seed.suspensions ? { suspensions: seed.suspensions } : {}),
    termStart: seed.termStart ?? seed.serviceFrom,
    termEnd: seed.termEnd,
    termMonths: seed.termMonths ?? 12,
    autoRenew: seed.autoRenew ?? true,
    ...(seed.slaThresholdMinutes ? { slaThresholdMinutes: seed.slaThresholdMinutes } : {}),
    status: 'active',
    version: 1,
    timeZone: 'Asia/Shanghai',
    gsi2pk: `TENANT#${seed.tenantId}#contracts`,
    gsi2sk: `${seed.termStart ?? seed.serviceFrom}#${seed.number}`,
    gsi3pk: 'DUE#contract-term',
    gsi3sk: `${seed.termEnd}#${seed.number}#${contractId}`,
  };
}

export async function seedContract(seed: ContractSeed): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: tableName('numbers'), Item: contractItem(seed) }));
}

/** Seeds in parallel lanes of BatchWriteItem (the engine takes several requests at once). */
export async function seedContracts(seeds: readonly ContractSeed[], lanes = 4): Promise<void> {
  await putInLanes(tableName('numbers'), seeds.map(contractItem), lanes);
}

export async function putInLanes(
  table: string,
  items: readonly Record<string, unknown>[],
  lanes = 4,
): Promise<void> {
  const chunk = 500;
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const start = next;
      next += chunk;
      await batchPutItems(table, items.slice(start, start + chunk));
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

/** Runs the monthly billing scheduler as EventBridge Scheduler would, at `at`. */
export async function runMonthlyBilling(at: string) {
  const { handler } = await import('../../functions/jobs/billing-monthly.js');
  return handler({ at }, {} as never);
}

/** A tenant's ledger entries (key, amount, kind, at), read straight from the table. */
export async function ledgerOf(tenantId: string) {
  return (await ledgerItems(tenantId)).map((i) => ({
    key: i.key as string,
    amount: i.amount as number,
    kind: i.kind as string,
    at: i.at as string,
  }));
}

/** Balance less debt, from the account item. */
export async function accountBalance(tenantId: string) {
  const item = await account(tenantId);
  return (item.balance as number) - ((item.owed as number) ?? 0);
}
