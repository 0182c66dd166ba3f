/**
 * Runs lifecycle commands against stored numbers: read, let the domain state machine decide, then write the
 * number, its history row, the routing snapshot's number fields and the contract changes in ONE
 * transaction under the number's version. Effects that reach outside DynamoDB (ledger postings, Connect,
 * notices) run after the commit and are idempotent, so a retried command or job never doubles them.
 *
 * Settlement: a tenure that ends (cancellation, transfer) ends the contract (`serviceTo`) in the same
 * transaction, then posts the current month's pro-rated charges with billing's own keys and amounts
 * (shared/domain/billing), so the monthly run later finds them already posted and changes nothing.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { localDateOf } from '../../domain/billing/calendar.js';
import { chargeKey, monthlyCharges } from '../../domain/billing/charges.js';
import { conflict, notFound } from '../../domain/errors.js';
import type { LedgerEntryInput, LedgerPort } from '../../domain/ledger/types.js';
import type { NumbersConfig } from '../../domain/numbers/config.js';
import {
  decide,
  effectiveStatus,
  type LifecycleCommand,
  type LifecycleEffect,
  routingStatus,
  type Transition,
} from '../../domain/numbers/lifecycle.js';
import { logger } from '../../observability.js';
import { port } from '../../runtime/ports.js';
import { contractFromItem } from './billing-contracts.js';
import { dynamo } from './client.js';
import { ledgerStore } from './ledger-store.js';
import {
  failedConditions,
  getNumberItem,
  lifecycleOf,
  type NumberItem,
  nextItem,
  type TransactItem,
  transact,
  transitionWrites,
} from './number-items.js';

export interface CommandContext {
  readonly at: string;
  /** Who asked: a tenant id, an operator subject or `job:<name>`. */
  readonly actor: string;
  readonly config: NumbersConfig;
  readonly note?: string;
}

type NumberExtra = Partial<Pick<NumberItem, 'phoneNumberId' | 'restrictions' | 'contractId'>>;

export interface CommandOptions {
  /** Attributes to set on the number with the transition (access number binding, contract id, …). */
  readonly extra?: NumberExtra | ((item: NumberItem) => NumberExtra);
  /** More writes that must commit with the transition or not at all. */
  readonly extraWrites?: (item: NumberItem, next: NumberItem) => Promise<TransactItem[]> | TransactItem[];
  /** The ledger settlements post to (default: the ledger store). */
  readonly ledger?: LedgerPort;
}

export interface CommandResult {
  readonly item: NumberItem;
  readonly transition: Transition;
}

export const contractKey = (number: string, contractId: string) => ({
  pk: `NUM#${number}`,
  sk: `CONTRACT#${contractId}`,
});

export async function getContractItem(
  number: string,
  contractId: string,
): Promise<Record<string, unknown> | undefined> {
  const result = await dynamo().send(
    new GetCommand({
      TableName: tableName('numbers'),
      Key: contractKey(number, contractId),
      ConsistentRead: true,
    }),
  );
  return result.Item;
}

/** The routing snapshot's number fields, touched with an update so routing's own fields stay as they are. */
function routingSnapshotWrite(next: NumberItem, config: NumbersConfig): TransactItem | undefined {
  const accessNumber = next.accessNumber;
  if (!accessNumber) return undefined;
  const owned = next.tenantId !== undefined;
  return {
    Update: {
      TableName: tableName('routing'),
      Key: { pk: `ACCESS#${accessNumber}`, sk: 'SNAPSHOT' },
      UpdateExpression: owned
        ? 'SET number400 = :n, tenantId = :t, numberStatus = :s, restrictions = :r, #type = if_not_exists(#type, :type)'
        : 'SET number400 = :n, numberStatus = :s, #type = if_not_exists(#type, :type) REMOVE tenantId, restrictions',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: {
        ':n': next.number,
        ':s': routingStatus(next, config),
        ':type': 'routing_snapshot',
        ...(owned
          ? {
              ':t': next.tenantId,
              ':r': next.restrictions ?? {
                noMultiLevelTransfer: false,
                recordingAnnouncementRequired: false,
              },
            }
          : {}),
      },
    },
  };
}

/** Contract changes that belong to the transition: suspensions for billing, and the end of service. */
async function contractWrites(item: NumberItem, transition: Transition, at: string, config: NumbersConfig) {
  const contractId = item.contractId;
  if (!contractId) return [];
  const contract = await getContractItem(item.number, contractId);
  if (!contract) return [];
  const zone = (contract.timeZone as string | undefined) ?? config.timeZone;
  const today = localDateOf(at, zone);
  const suspensions = [...((contract.suspensions as { from: string; to?: string }[] | undefined) ?? [])];
  let changed: Record<string, unknown> | undefined;
  const to = transition.state.status;
  if (to === 'suspended') {
    changed = { suspensions: [...suspensions, { from: today }] };
  } else if (transition.from === 'suspended' && to === 'active') {
    changed = { suspensions: suspensions.map((s) => (s.to === undefined ? { ...s, to: today } : s)) };
  }
  const settles = transition.effects.some((e) => e.kind === 'settle');
  if (settles) {
    changed = {
      ...changed,
      suspensions: ((changed?.suspensions as typeof suspensions | undefined) ?? suspensions).map((s) =>
        s.to === undefined ? { ...s, to: today } : s,
      ),
      serviceTo: today,
      endedAt: at,
      status: 'ended',
    };
  }
  if (!changed) return [];
  const version = (contract.version as number | undefined) ?? 0;
  const { gsi3pk: _p, gsi3sk: _s, ...rest } = contract;
  return [
    {
      Put: {
        TableName: tableName('numbers'),
        // An ended contract leaves the term-end index: billing stops renewing it.
        Item: { ...(settles ? rest : contract), ...changed, version: version + 1, updatedAt: at },
        ConditionExpression: 'attribute_not_exists(#version) OR #version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': version },
      },
    } satisfies TransactItem,
  ];
}

const SETTLED_KINDS = new Set(['monthly_rent', 'value_added', 'retention_fee']);

/** Posts the current month's rent, features and retention up to the end of service (billing's keys). */
export async function settleContract(
  number: string,
  contractId: string,
  ledger: LedgerPort,
  config: NumbersConfig,
) {
  const item = await getContractItem(number, contractId);
  if (!item) return;
  const contract = contractFromItem(item, config.timeZone);
  if (!contract?.serviceTo) return;
  const month = contract.serviceTo.slice(0, 7);
  // serviceTo is exclusive: ending on the 1st leaves nothing to bill this month (the run bills last month).
  const entries: LedgerEntryInput[] = monthlyCharges({ contract, month, incidents: [] })
    .filter((c) => SETTLED_KINDS.has(c.kind))
    .map((c) => ({
      tenantId: contract.tenantId,
      key: chargeKey(contract.tenantId, number, month, c.kind),
      kind: c.kind,
      amount: c.amount,
      at: (item.endedAt as string | undefined) ?? new Date().toISOString(),
      description: `${c.description} (settled at end of service)`,
      number,
      meta: c.meta as Record<string, string | number | boolean>,
    }));
  if (entries.length > 0) await ledger.post(entries);
}

/** The tenant's numbers still theirs (other than `except`). */
async function otherLiveNumbers(tenantId: string, except: string): Promise<number> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: tableName('numbers'),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}#numbers` },
    }),
  );
  return (result.Items ?? []).filter((i) => i.number !== except).length;
}

/**
 * A refund request for what is left on the balance once the tenant's last number is gone: the request
 * item (finance pays it out) and the ledger entry that takes the amount off the balance, same key forever.
 */
async function requestRefund(
  tenantId: string,
  number: string,
  refundId: string,
  at: string,
  ledger: LedgerPort,
) {
  if ((await otherLiveNumbers(tenantId, number)) > 0) return;
  const account = await dynamo().send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { pk: `ACCT#${tenantId}`, sk: 'ACCOUNT' },
      ConsistentRead: true,
    }),
  );
  const balance = Number(account.Item?.balance ?? 0);
  if (!Number.isSafeInteger(balance) || balance <= 0) return;
  const key = `refund#${number}#${refundId}`;
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('numbers'),
        Item: {
          pk: `TENANT#${tenantId}`,
          sk: `REFUND#${refundId}`,
          type: 'refund_request',
          tenantId,
          number,
          amount: balance,
          currency: 'CNY',
          status: 'requested',
          ledgerKey: key,
          requestedAt: at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    return; // already requested: the ledger entry went with it (or goes below with the same key)
  }
  await ledger.post([
    {
      tenantId,
      key,
      kind: 'refund',
      amount: -balance,
      at,
      description: `Refund of the remaining balance after cancelling ${number}`,
      number,
    },
  ]);
}

async function carryOut(
  effects: readonly LifecycleEffect[],
  before: NumberItem,
  after: NumberItem,
  ctx: CommandContext,
  ledger: LedgerPort,
) {
  for (const effect of effects) {
    try {
      switch (effect.kind) {
        case 'settle':
          if (before.contractId) await settleContract(before.number, before.contractId, ledger, ctx.config);
          break;
        case 'refund_balance':
          await requestRefund(
            effect.tenantId,
            before.number,
            `${before.number}-${after.version}`,
            ctx.at,
            ledger,
          );
          break;
        case 'release_access_number':
          if (before.phoneNumberId) await (await port('telephony')).releaseAccessNumber(before.phoneNumberId);
          break;
        case 'notify':
          await (await port('notifications')).publish({
            tenantId: effect.tenantId,
            kind: 'number_lifecycle',
            subject: `${before.number}: ${effect.text}`,
            text: `Your 400 number ${before.number}: ${effect.text}.`,
            dedupeKey: `number#${before.number}#${after.version}#${effect.tenantId}`,
            attributes: { number: before.number, status: after.status },
          });
          break;
      }
    } catch (error) {
      // The state change is committed and each effect is idempotent. A failed settlement is not lost: the
      // contract already ends (serviceTo) and billing's monthly run posts the very same keys and amounts.
      logger.error('number lifecycle effect failed', {
        effect: effect.kind,
        number: before.number,
        error: error as Error,
      });
    }
  }
}

export async function runCommand(
  number: string,
  command: LifecycleCommand,
  ctx: CommandContext,
  options: CommandOptions = {},
): Promise<CommandResult> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const item = await getNumberItem(number);
    if (!item) throw notFound('number_not_found', 'no such number');
    const transition = decide(lifecycleOf(item), command, ctx.at, ctx.config);
    const extra = typeof options.extra === 'function' ? options.extra(item) : options.extra;
    const next = nextItem(item, transition.state, ctx.at, extra);
    const snapshot = routingSnapshotWrite(
      next.accessNumber ? next : { ...next, accessNumber: item.accessNumber },
      ctx.config,
    );
    const writes: TransactItem[] = [
      ...transitionWrites(item, next, {
        at: ctx.at,
        from: effectiveStatus(item, ctx.at),
        to: next.status,
        command: command.type,
        actor: ctx.actor,
        ...((item.tenantId ?? next.tenantId) ? { tenantId: (item.tenantId ?? next.tenantId) as string } : {}),
        ...(ctx.note ? { note: ctx.note } : {}),
      }),
      ...(snapshot ? [snapshot] : []),
      ...(await contractWrites(item, transition, ctx.at, ctx.config)),
      ...(options.extraWrites ? await options.extraWrites(item, next) : []),
    ];
    if (item.tenantId && next.tenantId && item.tenantId !== next.tenantId) {
      // The new owner sees the transfer in its history too.
      writes.push({
        Put: {
          TableName: tableName('numbers'),
          Item: {
            pk: item.pk,
            sk: `HIST#${ctx.at}#${String(next.version).padStart(8, '0')}#new`,
            type: 'number_history',
            number,
            at: ctx.at,
            from: effectiveStatus(item, ctx.at),
            to: next.status,
            command: command.type,
            actor: ctx.actor,
            tenantId: next.tenantId,
          },
        },
      });
    }
    try {
      await transact(writes);
    } catch (error) {
      if (!failedConditions(error)) throw error;
      continue; // someone else moved the number: decide again on what is there now
    }
    await carryOut(transition.effects, item, next, ctx, options.ledger ?? ledgerStore());
    return { item: next, transition };
  }
  throw conflict('concurrent_update', 'the number kept changing; try again');
}
