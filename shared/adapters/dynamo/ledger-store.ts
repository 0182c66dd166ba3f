/**
 * The ledger store (LedgerPort): entries ACCT#<tenantId> / LEDGER#<key>, each posted in one transaction
 * with its account's new state (conditioned on the version read) and with the alerts the movement crossed
 * (the outbox), so a key is posted once and money, entries and alerts land together. The rules are the
 * domain's (applyMovements, moveMoney); this holds keys, transactions and retries on a lost race.
 * Calls are their own entries (call items, written by ./call-ingest.ts) and are listed here with the rest.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_TIME_ZONE, optionalEnv, tableName } from '../../config.js';
import { alertFor, applyMovements, type Movement, moveMoney } from '../../domain/accounts/account.js';
import { type CallRecord, callEntryText, callLedgerKey } from '../../domain/calls/call-record.js';
import { conflict, DomainError, invalid } from '../../domain/errors.js';
import type {
  LedgerEntryInput,
  LedgerEntryKind,
  LedgerPort,
  PostingResult,
  TenantPosting,
} from '../../domain/ledger/types.js';
import { localDay } from '../../domain/zoned-time.js';
import { logger } from '../../observability.js';
import type { LedgerStorePort, LedgerView } from '../../ports/accounts.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type { Notification } from '../../ports/notifications.js';
import type { Page } from '../../ports/paging.js';
import { outboxPutAction } from './account-alerts.js';
import {
  batchGet,
  isTransactionConflict,
  putAccountAction,
  readAccount,
  readAccounts,
  type StoredAccount,
  type TransactItem,
} from './account-store.js';
import { dynamo } from './client.js';
import { packTransactions, queryPage } from './paging.js';

export type { LedgerView } from '../../ports/accounts.js';
export { isTransactionConflict } from './account-store.js';

/** Entries per transaction: leaves room for the account and a few alert items within the 100 actions. */
const ENTRIES_PER_TRANSACTION = 90;
const MAX_ATTEMPTS = 25;
/** Kinds that count toward today's spend (the daily cap is about calls). */
const SPEND_KINDS: ReadonlySet<LedgerEntryKind> = new Set(['call', 'call_adjustment', 'value_added']);

export const ledgerEntryKey = (tenantId: string, key: string) => ({
  pk: `ACCT#${tenantId}`,
  sk: `LEDGER#${key}`,
});

export function businessZone(): string {
  return optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE);
}

function validateEntry(entry: LedgerEntryInput): void {
  if (!Number.isSafeInteger(entry.amount))
    throw invalid('invalid_amount', 'amount must be an integer number of fen', 'amount');
  if (!entry.key || entry.key.length > 512)
    throw invalid('invalid_key', 'idempotency key must be 1–512 characters', 'key');
  if (!entry.tenantId) throw invalid('invalid_tenant', 'tenantId is required', 'tenantId');
  if (Number.isNaN(Date.parse(entry.at))) throw invalid('invalid_instant', 'at must be an ISO instant', 'at');
}

/** A ledger entry's item, as every poster writes it (the ledger, statements and billing read these). */
export function entryItem(
  entry: LedgerEntryInput,
  account: { readonly balance: number; readonly owed: number },
): Record<string, unknown> {
  const pk = `ACCT#${entry.tenantId}`;
  const item: Record<string, unknown> = {
    pk,
    sk: `LEDGER#${entry.key}`,
    type: 'ledger_entry',
    tenantId: entry.tenantId,
    key: entry.key,
    kind: entry.kind,
    amount: entry.amount,
    at: entry.at,
    description: entry.description,
    balanceAfter: account.balance,
    owedAfter: account.owed,
    gsi1pk: pk,
    gsi1sk: `${entry.at}#${entry.key}`,
  };
  if (entry.number) item.number = entry.number;
  if (entry.meta) item.meta = entry.meta;
  return item;
}

/** A tenant's entries once each (the same key twice with another amount is a conflict). */
function dedupeKeys(entries: readonly LedgerEntryInput[]): LedgerEntryInput[] {
  const byKey = new Map<string, LedgerEntryInput>();
  for (const entry of entries) {
    const first = byKey.get(entry.key);
    if (!first) byKey.set(entry.key, entry);
    else if (first.amount !== entry.amount)
      throw conflict('idempotency_conflict', `key ${entry.key} posted twice with different amounts`);
  }
  return [...byKey.values()];
}

function groupAllByTenant(entries: readonly LedgerEntryInput[]): Map<string, LedgerEntryInput[]> {
  const byTenant = new Map<string, LedgerEntryInput[]>();
  for (const entry of entries) {
    const list = byTenant.get(entry.tenantId);
    if (list) list.push(entry);
    else byTenant.set(entry.tenantId, [entry]);
  }
  return byTenant;
}

function groupByTenant(entries: readonly LedgerEntryInput[]): Map<string, LedgerEntryInput[]> {
  const byTenant = new Map<string, LedgerEntryInput[]>();
  for (const [tenantId, list] of groupAllByTenant(entries)) byTenant.set(tenantId, dedupeKeys(list));
  return byTenant;
}

export interface LedgerStoreDeps {
  /** The business time zone (days of spend). */
  readonly zone?: string;
  /** "Now" for the accounts' spend day and the items' timestamps. */
  readonly clock?: Clock;
  /** Publishes the alerts a committed posting stored in the outbox (else the next flush does). */
  readonly publishAlerts?: (alerts: readonly Notification[]) => Promise<unknown>;
  /**
   * The refusal point's rate at an instant (the composition root's: the dearest minute of the tariff in
   * force, as call setup reads it), so a posting's alerts cross where setup refuses.
   */
  readonly refusalRateAt: (at: Date) => Promise<number>;
}

async function transactWrite(actions: readonly TransactItem[]): Promise<void> {
  await dynamo().send(new TransactWriteCommand({ TransactItems: [...actions] }));
}

/**
 * One tenant's entries as transaction actions: the account's new state (conditioned on the version read),
 * each entry (new keys only, with the balance right after it) and the alerts the movement crossed (outbox)
 * at `refusalRatePerMinute`, the refusal point's rate at `now`. Every poster of ledger entries builds its
 * actions here (the ledger, an approval's fees, payments and refunds).
 */
export function postingActions(
  stored: StoredAccount,
  entries: readonly LedgerEntryInput[],
  now: Date,
  zone: string,
  refusalRatePerMinute: number,
): { actions: TransactItem[]; alerts: Notification[] } {
  const movements: Movement[] = entries.map((e) => ({
    amount: e.amount,
    ...(SPEND_KINDS.has(e.kind)
      ? { spend: { amount: -e.amount, day: localDay(zone, Date.parse(e.at)) } }
      : {}),
  }));
  const { account, crossings } = applyMovements(stored.account, movements, refusalRatePerMinute);
  const at = now.toISOString();
  const alerts = crossings.map((c) => alertFor(account, c));
  // Each entry records the balance right after it, for statements.
  let running = { balance: stored.account.balance, owed: stored.account.owed };
  const table = tableName('ledger');
  const items: TransactItem[] = entries.map((entry) => {
    running = moveMoney(running.balance, running.owed, entry.amount);
    return {
      Put: {
        TableName: table,
        Item: entryItem(entry, running),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  });
  return {
    actions: [putAccountAction(stored, account, at), ...items, ...alerts.map((a) => outboxPutAction(a, at))],
    alerts,
  };
}

export class LedgerStore implements LedgerPort, LedgerStorePort {
  private readonly zone: string;
  private readonly clock: Clock;
  private readonly publish: (alerts: readonly Notification[]) => Promise<unknown>;
  private readonly refusalRateAt: (at: Date) => Promise<number>;

  constructor(deps: LedgerStoreDeps) {
    this.zone = deps.zone ?? businessZone();
    this.clock = deps.clock ?? systemClock;
    this.publish = deps.publishAlerts ?? (async () => undefined);
    this.refusalRateAt = deps.refusalRateAt;
  }

  async post(entries: readonly LedgerEntryInput[]): Promise<PostingResult> {
    entries.forEach(validateEntry);
    const applied: string[] = [];
    const duplicates: string[] = [];
    const byTenant = groupByTenant(entries);
    for (const [tenantId, list] of byTenant) {
      for (let i = 0; i < list.length; i += ENTRIES_PER_TRANSACTION) {
        const result = await this.postChunk(tenantId, list.slice(i, i + ENTRIES_PER_TRANSACTION));
        applied.push(...result.applied);
        duplicates.push(...result.duplicates);
      }
    }
    return { applied, duplicates };
  }

  /**
   * Many tenants' entries with a few requests: their accounts read in one BatchGet, then one transaction
   * per ~100 actions carrying several tenants (each tenant's account write and its entries, every entry
   * conditioned on its key being new). No key is read first: a key already posted (a redelivered batch)
   * or an account that moved cancels that transaction, and its tenants go through `post`, which sorts
   * duplicates from conflicts and retries. A tenant that fails there fails alone.
   */
  async postMany(entries: readonly LedgerEntryInput[]): Promise<ReadonlyMap<string, TenantPosting>> {
    const outcomes = new Map<string, TenantPosting>();
    const byTenant = new Map<string, LedgerEntryInput[]>();
    for (const [tenantId, list] of groupAllByTenant(entries)) {
      try {
        list.forEach(validateEntry);
        byTenant.set(tenantId, dedupeKeys(list));
      } catch (error) {
        outcomes.set(tenantId, { ok: false, error });
      }
    }
    const now = this.clock.now();
    const [accounts, refusalRate] = await Promise.all([
      readAccounts([...byTenant.keys()], localDay(this.zone, now.getTime())),
      this.refusalRateAt(now),
    ]);
    const units: { tenantId: string; actions: TransactItem[]; alerts: Notification[] }[] = [];
    const alone: string[] = [];
    for (const [tenantId, list] of byTenant) {
      const stored = accounts.get(tenantId);
      if (!stored || list.length > ENTRIES_PER_TRANSACTION) alone.push(tenantId);
      else units.push({ tenantId, ...postingActions(stored, list, now, this.zone, refusalRate) });
    }
    const transactions = packTransactions(units, (u) => u.actions.length);
    const committed: Notification[] = [];
    await Promise.all(
      transactions.map(async (group) => {
        try {
          await transactWrite(group.flatMap((u) => u.actions));
          for (const u of group) {
            const keys = (byTenant.get(u.tenantId) ?? []).map((e) => e.key);
            outcomes.set(u.tenantId, { ok: true, result: { applied: keys, duplicates: [] } });
            committed.push(...u.alerts);
          }
        } catch (error) {
          // Whatever happened (even a lost answer after a commit), `post` reads the keys and finds out.
          if (!isTransactionConflict(error))
            logger.warn('ledger transaction failed', { error: error as Error });
          alone.push(...group.map((u) => u.tenantId));
        }
      }),
    );
    await this.publish(committed);
    for (const tenantId of alone) {
      try {
        outcomes.set(tenantId, { ok: true, result: await this.post(byTenant.get(tenantId) ?? []) });
      } catch (error) {
        outcomes.set(tenantId, { ok: false, error });
      }
    }
    return outcomes;
  }

  /** One tenant's entries in one transaction, retried on a lost race (the account moved, a key appeared). */
  private async postChunk(tenantId: string, entries: readonly LedgerEntryInput[]): Promise<PostingResult> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0)
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(400, 10 * 2 ** attempt)));
      const now = this.clock.now();
      const [stored, existing, refusalRate] = await Promise.all([
        readAccount(tenantId, localDay(this.zone, now.getTime())),
        batchGet(
          'ledger',
          entries.map((e) => ledgerEntryKey(tenantId, e.key)),
        ),
        this.refusalRateAt(now),
      ]);
      const duplicates: string[] = [];
      const fresh: LedgerEntryInput[] = [];
      for (const entry of entries) {
        const found = existing.get(`ACCT#${tenantId}|LEDGER#${entry.key}`);
        if (!found) fresh.push(entry);
        else if (found.amount === entry.amount) duplicates.push(entry.key);
        else
          throw conflict('idempotency_conflict', `key ${entry.key} was already posted with another amount`, {
            key: entry.key,
            postedAmount: found.amount as number,
          });
      }
      if (fresh.length === 0) return { applied: [], duplicates };
      try {
        const { actions, alerts } = postingActions(stored, fresh, now, this.zone, refusalRate);
        await transactWrite(actions);
        await this.publish(alerts);
        return { applied: fresh.map((e) => e.key), duplicates };
      } catch (error) {
        if (!isTransactionConflict(error)) throw error;
      }
    }
    throw new DomainError('unavailable', 'ledger_busy', 'the account is busy; retry the request');
  }

  async account(tenantId: string, now: Date): Promise<StoredAccount> {
    return readAccount(tenantId, localDay(this.zone, now.getTime()));
  }

  /** Newest first; call charges and adjustments are included (a call record is its own ledger entry). */
  async list(tenantId: string, limit: number, cursor: string | undefined): Promise<Page<LedgerView>> {
    const pk = `ACCT#${tenantId}`;
    const page = await queryPage(
      {
        TableName: tableName('ledger'),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
      },
      { partitionKey: 'gsi1pk', partition: pk, limit, cursor },
    );
    const items = page.items.map((item): LedgerView => {
      if (item.type === 'call') {
        // A call record is its own ledger entry: what it first posted (amount, time, text), never moved;
        // re-ratings are adjustment entries.
        return {
          key: callLedgerKey(String(item.contactId)),
          kind: 'call',
          amount: -(item.ledgerAmount as number),
          at: String(item.at ?? item.endedAt),
          description: String(item.description ?? callEntryText(item as unknown as CallRecord)),
          number: String(item.number),
        };
      }
      return {
        key: String(item.key),
        kind: item.kind as LedgerEntryKind,
        amount: item.amount as number,
        at: String(item.at),
        description: String(item.description ?? ''),
        ...(item.number ? { number: String(item.number) } : {}),
      };
    });
    return { ...page, items };
  }
}
