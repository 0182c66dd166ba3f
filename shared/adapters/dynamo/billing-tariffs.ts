/**
 * Tariff versions (ops TARIFFS / <planId>#<effectiveFrom>; pending notices on gsi1 TARIFF#pending) and
 * the daily tariff job: a pending version is copied onto every contract of its plan as a dated price
 * change (contract attribute priceChanges.<effectiveFrom>, version bumped) and each affected tenant is
 * notified once (stable dedupe key), then the version leaves the pending index. Safe to run twice.
 */
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import type { TariffVersion } from '../../domain/billing/tariffs.js';
import { conflict } from '../../domain/errors.js';
import type { NotificationsPort } from '../../ports/notifications.js';
import { allContracts } from './billing-contracts.js';
import { type Item, queryAll } from './billing-dynamo.js';
import { dynamo } from './client.js';

const PENDING = 'TARIFF#pending';
const isConditionFailure = (error: unknown) => (error as Error)?.name === 'ConditionalCheckFailedException';

export interface StoredTariff extends TariffVersion {
  readonly scheduledBy: string;
  readonly noticeState: 'pending' | 'done';
  readonly notifiedAt?: string;
}

function fromItem(item: Item): StoredTariff {
  const price = (k: 'monthlyRent' | 'minimumSpend' | 'retentionFee') =>
    typeof item[k] === 'number' ? { [k]: item[k] as number } : {};
  return {
    planId: String(item.planId),
    effectiveFrom: String(item.effectiveFrom),
    ...price('monthlyRent'),
    ...price('minimumSpend'),
    ...price('retentionFee'),
    description: String(item.description ?? ''),
    scheduledAt: String(item.scheduledAt),
    scheduledBy: String(item.scheduledBy),
    noticeState: item.noticeState === 'done' ? 'done' : 'pending',
    ...(typeof item.notifiedAt === 'string' ? { notifiedAt: item.notifiedAt } : {}),
  };
}

const samePrices = (a: TariffVersion, b: TariffVersion) =>
  a.monthlyRent === b.monthlyRent && a.minimumSpend === b.minimumSpend && a.retentionFee === b.retentionFee;

/** Idempotent per plan and effective date: the same prices again answer the stored version; others a 409. */
export async function scheduleTariff(
  version: TariffVersion,
  scheduledBy: string,
): Promise<{ tariff: StoredTariff; created: boolean }> {
  const item = {
    pk: 'TARIFFS',
    sk: `${version.planId}#${version.effectiveFrom}`,
    type: 'tariff_version',
    ...version,
    scheduledBy,
    noticeState: 'pending',
    gsi1pk: PENDING,
    gsi1sk: `${version.scheduledAt}#${version.planId}#${version.effectiveFrom}`,
  };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('ops'),
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { tariff: fromItem(item), created: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = (await listTariffs()).find(
      (t) => t.planId === version.planId && t.effectiveFrom === version.effectiveFrom,
    );
    if (!existing || !samePrices(existing, version)) {
      throw conflict(
        'tariff_exists',
        `plan ${version.planId} already has a version effective ${version.effectiveFrom}`,
      );
    }
    return { tariff: existing, created: false };
  }
}

export async function listTariffs(): Promise<StoredTariff[]> {
  const items = await queryAll({
    TableName: tableName('ops'),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'TARIFFS' },
  });
  return items.map(fromItem);
}

async function applyToContract(number: string, contractId: string, version: TariffVersion): Promise<void> {
  const Key = { pk: `NUM#${number}`, sk: `CONTRACT#${contractId}` };
  const prices = {
    ...(version.monthlyRent !== undefined ? { monthlyRent: version.monthlyRent } : {}),
    ...(version.minimumSpend !== undefined ? { minimumSpend: version.minimumSpend } : {}),
    ...(version.retentionFee !== undefined ? { retentionFee: version.retentionFee } : {}),
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
        ExpressionAttributeNames: { '#d': version.effectiveFrom },
        ExpressionAttributeValues: { ':p': prices, ':one': 1 },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
}

export interface TariffJobResult {
  readonly versions: number;
  readonly contractsUpdated: number;
  readonly tenantsNotified: number;
}

export async function announceTariffs(
  at: string,
  zone: string,
  notifications: NotificationsPort,
): Promise<TariffJobResult> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('ops'),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': PENDING },
    }),
  );
  const pending = (out.Items ?? []).map(fromItem);
  if (pending.length === 0) return { versions: 0, contractsUpdated: 0, tenantsNotified: 0 };
  const contracts = await allContracts(zone);
  let contractsUpdated = 0;
  let tenantsNotified = 0;
  for (const version of pending) {
    const affected = contracts.filter(
      (c) =>
        c.planId === version.planId && (c.serviceTo === undefined || c.serviceTo > version.effectiveFrom),
    );
    for (const c of affected) {
      await applyToContract(c.number, c.contractId, version);
      contractsUpdated++;
    }
    for (const tenantId of new Set(affected.map((c) => c.tenantId))) {
      const yuan = (fen: number | undefined) =>
        fen === undefined ? undefined : `¥${(fen / 100).toFixed(2)}`;
      const parts = [
        yuan(version.monthlyRent) && `monthly rent ${yuan(version.monthlyRent)}`,
        yuan(version.minimumSpend) && `minimum monthly spend ${yuan(version.minimumSpend)}`,
        yuan(version.retentionFee) && `retention fee ${yuan(version.retentionFee)}`,
      ].filter(Boolean);
      await notifications.publish({
        tenantId,
        kind: 'tariff_notice',
        subject: `Plan ${version.planId} prices change on ${version.effectiveFrom}`,
        text: `From ${version.effectiveFrom}: ${parts.join(', ')}. ${version.description}`.trim(),
        dedupeKey: `tariff#${version.planId}#${version.effectiveFrom}#${tenantId}`,
        attributes: { planId: version.planId, effectiveFrom: version.effectiveFrom },
      });
      tenantsNotified++;
    }
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('ops'),
        Key: { pk: 'TARIFFS', sk: `${version.planId}#${version.effectiveFrom}` },
        UpdateExpression:
          'SET noticeState = :done, notifiedAt = :at, contractsUpdated = :n REMOVE gsi1pk, gsi1sk',
        ExpressionAttributeValues: { ':done': 'done', ':at': at, ':n': affected.length },
      }),
    );
  }
  return { versions: pending.length, contractsUpdated, tenantsNotified };
}
