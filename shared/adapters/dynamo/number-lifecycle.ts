/**
 * Runs lifecycle commands against stored numbers: read, let the domain state machine decide, then write the
 * number, its history row, the routing snapshot's number fields, the contract changes and a pending item
 * for every side effect in ONE transaction under the number's version. The effects (ledger postings,
 * Connect, notices) run after the commit and are marked done; one that fails stays pending for the
 * number-effects job (number-effects.ts). Each is idempotent, so a retry never doubles it.
 *
 * Settlement: a tenure that ends (cancellation, transfer) ends the contract (`serviceTo`) in the same
 * transaction, then posts the current month's pro-rated charges with billing's own keys and amounts
 * (shared/domain/billing), so the monthly run later finds them already posted and changes nothing.
 */
import { tableName } from '../../config.js';
import { localDateOf } from '../../domain/billing/calendar.js';
import { conflict, notFound } from '../../domain/errors.js';
import type { LedgerPort } from '../../domain/ledger/types.js';
import type { NumbersConfig } from '../../domain/numbers/config.js';
import {
  decide,
  effectiveStatus,
  type LifecycleCommand,
  routingStatus,
  type Transition,
} from '../../domain/numbers/lifecycle.js';
import { effectWrite, lifecycleEffects, type PendingEffect, runEffects } from './number-effects.js';
import {
  contractKey,
  failedConditions,
  getContractItem,
  getNumberItem,
  lifecycleOf,
  type NumberExtra,
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

export interface CommandOptions {
  /** Attributes to set on the number with the transition (access number binding, contract id, …). */
  readonly extra?: NumberExtra | ((item: NumberItem) => NumberExtra);
  /** More writes that must commit with the transition or not at all. */
  readonly extraWrites?: (item: NumberItem, next: NumberItem) => Promise<TransactItem[]> | TransactItem[];
  /** More side effects to record durably with the transition (e.g. a notice to another tenant). */
  readonly effects?: (item: NumberItem, next: NumberItem) => PendingEffect[];
  /** The ledger settlements post to (default: the ledger store). */
  readonly ledger?: LedgerPort;
}

export interface CommandResult {
  readonly item: NumberItem;
  readonly transition: Transition;
}

export { contractKey, getContractItem };

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
    const effects = [
      ...lifecycleEffects(transition.effects, item, next, ctx.at),
      ...(options.effects ? options.effects(item, next) : []),
    ];
    writes.push(...effects.map(effectWrite));
    try {
      await transact(writes);
    } catch (error) {
      if (!failedConditions(error)) throw error;
      continue; // someone else moved the number: decide again on what is there now
    }
    await runEffects(effects, ctx.at, {
      config: ctx.config,
      ...(options.ledger ? { ledger: options.ledger } : {}),
    });
    return { item: next, transition };
  }
  throw conflict('concurrent_update', 'the number kept changing; try again');
}
