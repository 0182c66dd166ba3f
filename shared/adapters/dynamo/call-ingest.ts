/**
 * The charge store: contact records → charged call items, a round at a time (the use case
 * shared/app/calls/ingest-contact-records.ts runs the rounds). The rules are the domain's (chargeCalls,
 * applyPostings, retention); this module holds the storage design that keeps DynamoDB cheap:
 *
 * Reads are batched (BatchGetItem): routing snapshots by access number, numbers, existing call items and
 * accounts — a handful of requests per batch. Writes: each contact's call item (which is also its ledger
 * entry call#<ContactId>) goes in the SAME TransactWriteItems as its account's new balance and daily
 * spend; an account is written once per transaction with all of its calls of the batch, and several
 * accounts share a transaction up to the 100-action limit. An account with more calls than fit one
 * transaction beside it (a busy number) takes the deferred-posting path: its calls go first in
 * transactions of 99 calls + 1 posting item, then its account is written ONCE applying every posting
 * (shared/domain/ledger/postings.ts) — up to ~8,900 calls per account write.
 * A lost race (another writer moved the account, or a contact was charged meanwhile) marks just those
 * accounts' contacts to go round again.
 */
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { alertFor } from '../../domain/accounts/account.js';
import { type CallRecord, callAdjustmentKey, callLedgerKey } from '../../domain/calls/call-record.js';
import type { NormalizedContact } from '../../domain/calls/contact-record.js';
import { expiresAtSeconds, retentionDays } from '../../domain/calls/retention.js';
import {
  type CallToCharge,
  type CallWrite,
  type ChargeResult,
  chargeCalls,
  type RatingContext,
} from '../../domain/ledger/call-charges.js';
import { applyPostings, type Posting, postingOf } from '../../domain/ledger/postings.js';
import { localDay } from '../../domain/zoned-time.js';
import type { CallChargesPort, ChargeBatch, ChargeRoundResult } from '../../ports/calls.js';
import type { Notification } from '../../ports/notifications.js';
import { outboxPutAction } from './account-alerts.js';
import {
  applyPendingPostings,
  POSTINGS_PER_APPLY,
  postingApplyAction,
  postingPutAction,
  sweepPendingPostings,
} from './account-postings.js';
import {
  batchGet,
  callNumbersOf,
  isTransactionConflict,
  putAccountAction,
  readAccounts,
  type StoredAccount,
  type TransactItem,
} from './account-store.js';
import { dynamo } from './client.js';
import { MAX_TRANSACT_ACTIONS, packTransactions } from './paging.js';

export { MAX_TRANSACT_ACTIONS } from './paging.js';

type Item = Record<string, unknown>;

export const callKey = (contactId: string) => ({ pk: `CALL#${contactId}`, sk: 'CALL' });
/** A tenant's calls on one number (gsi2): the tenant is in the key, so reads never cross tenants. */
export const callsPartition = (tenantId: string, number: string) => `CALLS#${tenantId}#${number}`;
const callId = (contactId: string) => `CALL#${contactId}|CALL`;
const snapshotKey = (accessNumber: string) => ({ pk: `ACCESS#${accessNumber}`, sk: 'SNAPSHOT' });
const numberKey = (number: string) => ({ pk: `NUM#${number}`, sk: 'NUMBER' });

export function callFromItem(item: Item): CallRecord {
  return item as unknown as CallRecord;
}

/**
 * The call item: the CallRecord's attributes plus keys, the ledger view (gsi1, when it moved money) and
 * the TTL. It is also the ledger entry call#<ContactId>: kind, key, time and text are derived when listed.
 */
export function callItem(r: CallRecord, ledgerAmount: number, retention: number, posting?: string): Item {
  return {
    ...callKey(r.contactId),
    type: 'call',
    ...r,
    // What the call#<ContactId> ledger entry posted; later changes are call_adjustment entries.
    ledgerAmount,
    gsi2pk: callsPartition(r.tenantId, r.number),
    gsi2sk: `${r.startedAt}#${r.contactId}`,
    expiresAt: expiresAtSeconds(r.endedAt, retention),
    ...(ledgerAmount !== 0
      ? { gsi1pk: `ACCT#${r.tenantId}`, gsi1sk: `${r.endedAt}#${callLedgerKey(r.contactId)}` }
      : {}),
    // Written ahead of its account update (deferred posting): the posting that carries its money.
    ...(posting ? { posting } : {}),
  };
}

interface Resolved {
  readonly call: CallToCharge;
  readonly tenantId: string;
}

/** Access number → its tenant, 400 number, segment and plan (null: not bound), kept for the batch. */
type Resolution = Map<string, { tenantId: string; number: string; segment?: string; plan?: string } | null>;

/** One account's share of a transaction: its account, alert and posting writes and its calls' writes. */
interface AccountUnit {
  readonly tenantId: string;
  readonly actions: TransactItem[];
  readonly alerts: Notification[];
  readonly contactIds: string[];
  readonly counts: { charged: number; adjusted: number };
  /** Part of a deferred posting: if any unit of the account fails, all its contacts go round again. */
  readonly deferred?: boolean;
}

export interface ChargeStoreOptions {
  readonly rating: RatingContext;
  /** Days call records are kept unless the tenant asks for longer (CALL_RETENTION_DAYS). */
  readonly retentionDays?: number;
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

export class DynamoCallCharges implements CallChargesPort {
  constructor(private readonly options: ChargeStoreOptions) {}

  private get zone(): string {
    return this.options.rating.book.tariff.timeZone;
  }

  batch(): ChargeBatch {
    const resolution: Resolution = new Map();
    return { round: (contacts, round, now) => this.round(contacts, round, now, resolution) };
  }

  sweepPendingPostings(now: Date, olderThanMs?: number) {
    return sweepPendingPostings(this.zone, now, olderThanMs, 50, this.options.warn);
  }

  private async round(
    pending: readonly NormalizedContact[],
    round: number,
    now: Date,
    resolution: Resolution,
  ): Promise<ChargeRoundResult> {
    const unchargeable: { contactId: string; reason: string }[] = [];
    const existing = await this.readCalls(pending, round);
    const resolved = await this.resolve(pending, existing, resolution, unchargeable);
    const alerts = await this.applyUnappliedPostings(existing, now);
    const tenantIds = [...new Set(resolved.map((r) => r.tenantId))];
    const accounts = await readAccounts(tenantIds, localDay(this.zone, now.getTime()));
    const { chains, stale } = this.planAccounts(resolved, existing, accounts, now);
    const executed = await this.execute(chains);
    return { unchargeable, stale, ...executed, alerts: [...alerts, ...executed.alerts] };
  }

  /**
   * The call items a round must know. Round 0 reads none: a new contact's conditional put is its
   * exactly-once check, and a known one makes the transaction fail, so the next round reads them (and
   * rates the changes). Only a transfer segment without an access number needs its first segment to find
   * its tenant.
   */
  private async readCalls(pending: readonly NormalizedContact[], round: number) {
    const keys: { pk: string; sk: string }[] = [];
    for (const c of pending) {
      const transfer = c.initialContactId && !c.accessNumber;
      if (round > 0) keys.push(callKey(c.contactId));
      if (transfer) {
        keys.push(callKey(c.initialContactId as string));
        if (round === 0) keys.push(callKey(c.contactId));
      }
    }
    return batchGet('ledger', keys);
  }

  /** Calls written ahead of their account update by an interrupted run: their postings are applied first. */
  private async applyUnappliedPostings(existing: Map<string, Item>, now: Date): Promise<Notification[]> {
    const unapplied = new Map<string, Set<string>>();
    for (const item of existing.values()) {
      if (typeof item.posting !== 'string') continue;
      const keys = unapplied.get(String(item.tenantId)) ?? new Set<string>();
      keys.add(item.posting);
      unapplied.set(String(item.tenantId), keys);
    }
    const alerts: Notification[] = [];
    for (const [tenantId, keys] of unapplied)
      alerts.push(...(await applyPendingPostings(tenantId, [...keys], this.zone, now)).alerts);
    return alerts;
  }

  /** Access number → tenant and 400 number (routing snapshot), then the number's segment and plan. */
  private async resolve(
    contacts: readonly NormalizedContact[],
    existing: Map<string, Item>,
    cache: Resolution,
    unchargeable: { contactId: string; reason: string }[],
  ): Promise<Resolved[]> {
    const accessNumbers = [
      ...new Set(
        contacts.flatMap((c) => (c.accessNumber && !cache.has(c.accessNumber) ? [c.accessNumber] : [])),
      ),
    ];
    if (accessNumbers.length > 0) {
      const snapshots = await batchGet('routing', accessNumbers.map(snapshotKey), false);
      const numbers = new Map<string, string>();
      for (const a of accessNumbers) {
        const snap = snapshots.get(`ACCESS#${a}|SNAPSHOT`);
        if (snap && typeof snap.number400 === 'string' && typeof snap.tenantId === 'string')
          numbers.set(a, snap.number400);
        else cache.set(a, null);
      }
      const numberItems = await batchGet('numbers', [...new Set(numbers.values())].map(numberKey), false);
      for (const [a, n] of numbers) {
        const snap = snapshots.get(`ACCESS#${a}|SNAPSHOT`);
        const item = numberItems.get(`NUM#${n}|NUMBER`);
        cache.set(a, {
          tenantId: String(snap?.tenantId),
          number: n,
          segment: typeof item?.segment === 'string' ? item.segment : n.slice(0, 4),
          // The plan, when the number item carries it (the contract's planId); unknown plans rate as payg.
          plan:
            typeof item?.planId === 'string'
              ? item.planId
              : typeof item?.plan === 'string'
                ? item.plan
                : undefined,
        });
      }
    }
    const out: Resolved[] = [];
    for (const c of contacts) {
      let target = c.accessNumber ? cache.get(c.accessNumber) : undefined;
      let accessNumber = c.accessNumber;
      if (!c.accessNumber && c.initialContactId) {
        // A later transfer segment without a system endpoint belongs to the number of its first segment.
        const first = existing.get(callId(c.initialContactId)) ?? existing.get(callId(c.contactId));
        if (first) {
          target = {
            tenantId: String(first.tenantId),
            number: String(first.number),
            segment: first.segment as string,
            plan: first.plan as string,
          };
          accessNumber = String(first.accessNumber);
        }
      }
      if (!target || !accessNumber) {
        unchargeable.push({
          contactId: c.contactId,
          reason: c.accessNumber
            ? `access number ${c.accessNumber} is not bound to a 400 number`
            : 'contact has no system endpoint to rate',
        });
        continue;
      }
      out.push({
        tenantId: target.tenantId,
        call: { contact: c, number: target.number, accessNumber, segment: target.segment, plan: target.plan },
      });
    }
    return out;
  }

  /** Each account's calls → its chain of transaction units. */
  private planAccounts(
    resolved: readonly Resolved[],
    existing: Map<string, Item>,
    accounts: Map<string, StoredAccount>,
    now: Date,
  ) {
    const chains: AccountUnit[][] = [];
    let stale = 0;
    const byTenant = new Map<string, Resolved[]>();
    for (const r of resolved) {
      const calls = byTenant.get(r.tenantId);
      if (calls) calls.push(r);
      else byTenant.set(r.tenantId, [r]);
    }
    for (const [tenantId, calls] of byTenant) {
      const stored = accounts.get(tenantId);
      if (!stored) continue;
      const existingCalls = new Map<string, CallRecord>();
      for (const r of calls) {
        const item = existing.get(callId(r.call.contact.contactId));
        if (item) existingCalls.set(r.call.contact.contactId, callFromItem(item));
      }
      const sorted = [...calls].sort((a, b) => a.call.contact.startedMs - b.call.contact.startedMs);
      // Chunks so that calls + adjustments + account + alerts stay within the limit (adjustments are rare).
      const chain =
        sorted.length > MAX_TRANSACT_ACTIONS - 6
          ? this.planDeferred(stored, sorted, existing, existingCalls, now)
          : this.plan(stored, sorted, existing, existingCalls, now);
      stale += chain.stale;
      if (chain.units.length > 0) chains.push(chain.units);
    }
    return { chains, stale };
  }

  private retention(stored: StoredAccount): number {
    const item = stored.item ?? {};
    return retentionDays(
      {
        askedDays: typeof item.recordRetentionDays === 'number' ? item.recordRetentionDays : undefined,
        industry: typeof item.industry === 'string' ? item.industry : undefined,
      },
      this.options.retentionDays,
    );
  }

  /**
   * Rates the next chunk of calls, from `from`: at most `room` of them, halved until their actions, one
   * more item (the account or a posting) and, when `withAlerts`, their alerts fit one transaction.
   */
  private chargeChunk(
    account: StoredAccount['account'],
    sorted: readonly Resolved[],
    from: number,
    existingCalls: Map<string, CallRecord>,
    room: number,
    withAlerts: boolean,
  ): { take: number; result: ChargeResult; counts: ReturnType<typeof callCounts> } {
    let take = Math.min(room, sorted.length - from);
    for (;;) {
      const chunk = sorted.slice(from, from + take).map((r) => r.call);
      const result = chargeCalls(account, chunk, existingCalls, this.options.rating);
      const counts = callCounts(result.writes);
      const alerts = withAlerts ? result.crossings.length : 0;
      if (1 + counts.actions + alerts <= MAX_TRANSACT_ACTIONS || take === 1) return { take, result, counts };
      take = Math.max(1, Math.floor(take / 2));
    }
  }

  /**
   * One account's calls → units of at most 100 actions, each carrying the account's state after its
   * calls; chunks after the first are conditioned on the version the previous chunk wrote.
   */
  private plan(
    stored: StoredAccount,
    sorted: readonly Resolved[],
    existing: Map<string, Item>,
    existingCalls: Map<string, CallRecord>,
    now: Date,
  ) {
    const units: AccountUnit[] = [];
    const at = now.toISOString();
    let current = stored;
    let stale = 0;
    for (let i = 0; i < sorted.length; ) {
      const { take, result, counts } = this.chargeChunk(
        current.account,
        sorted,
        i,
        existingCalls,
        MAX_TRANSACT_ACTIONS - 6,
        true,
      );
      const contactIds = sorted.slice(i, i + take).map((r) => r.call.contact.contactId);
      i += take;
      stale += result.stale.length;
      if (result.writes.length === 0) continue;
      // The account remembers the numbers it has calls on (tenant-wide reports read them).
      const known = new Set(callNumbersOf(current));
      const numbersBefore = known.size;
      for (const w of result.writes) known.add(w.record.number);
      const numbersChanged = known.size !== numbersBefore;
      const nextAccount =
        result.accountChanged || !numbersChanged
          ? result.account
          : { ...result.account, version: result.account.version + 1 };
      const actions: TransactItem[] = [];
      if (result.accountChanged || numbersChanged)
        actions.push(putAccountAction(current, nextAccount, at, { callNumbers: [...known] }));
      const alerts = result.crossings.map((c) => alertFor(result.account, c));
      for (const a of alerts) actions.push(outboxPutAction(a, at));
      actions.push(
        ...this.callActions(stored.account.tenantId, result.writes, existing, this.retention(current)),
      );
      units.push({
        tenantId: stored.account.tenantId,
        actions,
        alerts,
        contactIds,
        counts: { charged: counts.charged, adjusted: counts.adjusted },
      });
      if (result.accountChanged || numbersChanged)
        current = {
          account: nextAccount,
          item: { ...current.item, version: nextAccount.version, callNumbers: [...known] },
        };
    }
    return { units, stale };
  }

  /**
   * More calls than one transaction carries beside the account: calls first, in transactions of up to 99
   * call items plus a posting item each; then the account written once, applying every posting.
   */
  private planDeferred(
    stored: StoredAccount,
    sorted: readonly Resolved[],
    existing: Map<string, Item>,
    existingCalls: Map<string, CallRecord>,
    now: Date,
  ) {
    const tenantId = stored.account.tenantId;
    const units: AccountUnit[] = [];
    const postings: Posting[] = [];
    const postingBase = randomUUID();
    const retention = this.retention(stored);
    const at = now.toISOString();
    let rated = stored.account;
    let stale = 0;
    const numbers = new Set(callNumbersOf(stored));
    for (let i = 0; i < sorted.length; ) {
      const { take, result, counts } = this.chargeChunk(
        rated,
        sorted,
        i,
        existingCalls,
        MAX_TRANSACT_ACTIONS - 1,
        false,
      );
      const contactIds = sorted.slice(i, i + take).map((r) => r.call.contact.contactId);
      i += take;
      stale += result.stale.length;
      if (result.writes.length === 0) continue;
      const posting = postingOf(
        `${postingBase}#${postings.length}`,
        rated,
        result.account,
        result.movements,
        result.writes.length,
      );
      postings.push(posting);
      rated = result.account;
      for (const w of result.writes) numbers.add(w.record.number);
      units.push({
        tenantId,
        actions: [
          postingPutAction(posting, at),
          ...this.callActions(tenantId, result.writes, existing, retention, posting.key),
        ],
        alerts: [],
        contactIds,
        counts: { charged: counts.charged, adjusted: counts.adjusted },
        deferred: true,
      });
    }
    let current = stored;
    for (let p = 0; p < postings.length; p += POSTINGS_PER_APPLY) {
      const group = postings.slice(p, p + POSTINGS_PER_APPLY);
      const { account, crossings } = applyPostings(current.account, group);
      const alerts = crossings.map((c) => alertFor(account, c));
      units.push({
        tenantId,
        actions: [
          putAccountAction(current, account, at, { callNumbers: [...numbers] }),
          ...group.map((g) => postingApplyAction(g, at)),
          ...alerts.map((a) => outboxPutAction(a, at)),
        ],
        alerts,
        contactIds: [],
        counts: { charged: 0, adjusted: 0 },
        deferred: true,
      });
      current = { account, item: { ...current.item, version: account.version, callNumbers: [...numbers] } };
    }
    return { units, stale };
  }

  /** The call items of one chunk, and an adjustment entry for each call re-rated to another amount. */
  private callActions(
    tenantId: string,
    writes: readonly CallWrite[],
    existing: Map<string, Item>,
    retention: number,
    posting?: string,
  ): TransactItem[] {
    const table = tableName('ledger');
    const actions: TransactItem[] = [];
    for (const w of writes) {
      if (w.kind === 'new') {
        actions.push({
          Put: {
            TableName: table,
            Item: callItem(w.record, w.record.amount, retention, posting),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        continue;
      }
      const previousItem = existing.get(callId(w.record.contactId));
      const ledgerAmount =
        typeof previousItem?.ledgerAmount === 'number' ? previousItem.ledgerAmount : w.previous.amount;
      actions.push({
        Put: {
          TableName: table,
          Item: callItem(w.record, ledgerAmount, retention, posting),
          ConditionExpression: 'lastUpdatedAt = :prev',
          ExpressionAttributeValues: { ':prev': w.previous.lastUpdatedAt },
        },
      });
      if (w.adjustment === 0) continue;
      const key = callAdjustmentKey(w.record.contactId, w.record.lastUpdatedAt);
      actions.push({
        Put: {
          TableName: table,
          Item: {
            pk: `ACCT#${tenantId}`,
            sk: `LEDGER#${key}`,
            type: 'ledger_entry',
            tenantId,
            key,
            kind: 'call_adjustment',
            amount: -w.adjustment,
            at: w.record.lastUpdatedAt,
            description: `call ${w.record.contactId} re-rated from ${w.previous.amount} to ${w.record.amount} fen`,
            number: w.record.number,
            gsi1pk: `ACCT#${tenantId}`,
            gsi1sk: `${w.record.lastUpdatedAt}#${key}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    return actions;
  }

  /**
   * Packs units into transactions of at most 100 actions (an account at most once per transaction; an
   * account's later chunks wait for its earlier ones) and runs them.
   */
  private async execute(chains: readonly AccountUnit[][]) {
    const retry = new Set<string>();
    const failedTenants = new Set<string>();
    const committed = { transactions: 0, charged: 0, adjusted: 0, alerts: [] as Notification[] };
    const queues = chains.map((c) => [...c]);
    for (;;) {
      // The head unit of every account chain, first-fit into transactions.
      const heads = queues.flatMap((q) => q.splice(0, 1));
      if (heads.length === 0) break;
      const transactions = packTransactions(heads, (u) => u.actions.length);
      await Promise.all(
        transactions.map(async (units) => {
          const live = units.filter((u) => !failedTenants.has(u.tenantId));
          for (const u of units)
            if (failedTenants.has(u.tenantId)) for (const id of u.contactIds) retry.add(id);
          if (live.length === 0) return;
          try {
            await dynamo().send(new TransactWriteCommand({ TransactItems: live.flatMap((u) => u.actions) }));
            committed.transactions++;
            for (const u of live) {
              committed.charged += u.counts.charged;
              committed.adjusted += u.counts.adjusted;
              committed.alerts.push(...u.alerts);
            }
          } catch (error) {
            if (!isTransactionConflict(error)) this.options.warn?.('charge transaction failed', { error });
            // Recomputed from fresh reads in the next round; a later chunk of the same account must wait.
            for (const u of live) {
              failedTenants.add(u.tenantId);
              for (const id of u.contactIds) retry.add(id);
              // A deferred posting's committed calls go round again too, so their posting is applied.
              if (u.deferred)
                for (const chain of chains)
                  for (const other of chain)
                    if (other.tenantId === u.tenantId) for (const id of other.contactIds) retry.add(id);
            }
          }
        }),
      );
    }
    return { retry, ...committed };
  }
}

/** Actions a chunk's call writes take: one per call, and one more per call re-rated to another amount. */
function callCounts(writes: readonly CallWrite[]) {
  let charged = 0;
  let adjusted = 0;
  for (const w of writes)
    if (w.kind === 'new') charged++;
    else if (w.adjustment !== 0) adjusted++;
  return { charged, adjusted, actions: writes.length + adjusted };
}
