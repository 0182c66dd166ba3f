/**
 * Contact records → charged call records, a batch at a time.
 *
 * Reads are batched (BatchGetItem): routing snapshots by access number, numbers, existing call items
 * and accounts — a handful of requests per batch. Writes: each contact's call item (which is also its
 * ledger entry call#<ContactId>) goes in the SAME TransactWriteItems as its account's new balance and
 * daily spend; an account is written once per transaction with all of its calls of the batch, and
 * several accounts share a transaction up to the 100-action limit. An account with more calls than fit
 * one transaction beside it (a busy number) takes the deferred-posting path: its calls go first in
 * transactions of 99 calls + 1 posting item, then its account is written ONCE applying every posting
 * (shared/domain/ledger/postings.ts) — up to ~8,900 calls per account write.
 * A lost race (another writer moved the account, or a contact was charged meanwhile) re-reads and
 * recomputes just those accounts; what still fails is reported per record for the stream to retry.
 */

import { randomUUID } from 'node:crypto';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { optionalEnv, tableName } from '../../config.js';
import { type CallRecord, callAdjustmentKey, callLedgerKey } from '../../domain/calls/call-record.js';
import { type NormalizedContact, parseContactBatch } from '../../domain/calls/contact-record.js';
import {
  type CallToCharge,
  type CallWrite,
  chargeCalls,
  type RatingContext,
} from '../../domain/ledger/call-charges.js';
import { applyPostings, type Posting, postingOf } from '../../domain/ledger/postings.js';
import { localDay } from '../../domain/zoned-time.js';
import { logger } from '../../observability.js';
import { clock } from '../../runtime/ports.js';
import { notificationFor, type OutboxEntry, outboxPutAction, publishOutbox } from './account-alerts.js';
import {
  applyPendingPostings,
  POSTINGS_PER_APPLY,
  postingApplyAction,
  postingPutAction,
} from './account-postings.js';
import {
  batchGet,
  putAccountAction,
  readAccounts,
  type StoredAccount,
  type TransactItem,
} from './account-store.js';
import { attributes, lowLevelAction } from './attribute-values.js';
import { JsonText } from './json-text.js';
import { isTransactionConflict } from './ledger-store.js';
import { numberKey } from './number-items.js';
import { transactWriteJson } from './wire.js';

export interface RawRecord {
  /** The stream's identifier for the record (Kinesis sequence number): only used to report failures. */
  readonly id: string;
  readonly data: unknown;
}

export interface IngestResult {
  readonly failures: readonly { readonly id: string; readonly reason: string }[];
  readonly charged: number;
  readonly adjusted: number;
  readonly stale: number;
  readonly ignored: number;
  readonly transactions: number;
}

export { MAX_TRANSACT_ACTIONS } from './paging.js';

import { MAX_TRANSACT_ACTIONS, packTransactions } from './paging.js';

/** The first round writes without reading call items; a clash (a known contact) costs one more round. */
const MAX_ROUNDS = 7;
const DAY_SECONDS = 86_400;

/** Call records are kept this long (days); an account may ask for longer (medical: at least 2 years). */
export const DEFAULT_RETENTION_DAYS = 400;
export const MEDICAL_RETENTION_DAYS = 731;

export const callKey = (contactId: string) => ({ pk: `CALL#${contactId}`, sk: 'CALL' });

export function callFromItem(item: Record<string, unknown>): CallRecord {
  return item as unknown as CallRecord;
}

interface Resolved {
  readonly call: CallToCharge;
  readonly tenantId: string;
}

/** Access number → its tenant, 400 number, segment and plan (null: not bound), cached per batch. */
type Resolution = Map<string, { tenantId: string; number: string; segment?: string; plan?: string } | null>;

interface RoundState {
  readonly existing: Map<string, Record<string, unknown>>;
  readonly resolved: Resolved[];
  readonly accounts: Map<string, StoredAccount>;
}

function retentionDays(stored: StoredAccount): number {
  const item = stored.item ?? {};
  const asked = typeof item.recordRetentionDays === 'number' ? item.recordRetentionDays : 0;
  const base = Number(optionalEnv('CALL_RETENTION_DAYS', String(DEFAULT_RETENTION_DAYS)));
  const floor = item.industry === 'medical' ? MEDICAL_RETENTION_DAYS : 0;
  return Math.max(asked, base, floor);
}

/**
 * The call item as DynamoDB JSON (this runs for every record; see ./json-text.ts for why text): the
 * CallRecord's attributes plus keys, the ledger view and the TTL. Also the ledger entry call#<ContactId>:
 * kind, key, time and text are derived when listed.
 */
export function writeCallItem(
  w: JsonText,
  r: CallRecord,
  ledgerAmount: number,
  retention: number,
  posting?: string,
): void {
  w.raw('{"pk":{"S":').string(`CALL#${r.contactId}`).raw('},"sk":{"S":"CALL"},"type":{"S":"call"}');
  w.raw(',"contactId":{"S":').string(r.contactId);
  w.raw('},"tenantId":{"S":').string(r.tenantId);
  w.raw('},"number":{"S":').string(r.number);
  w.raw('},"accessNumber":{"S":').string(r.accessNumber);
  w.raw('},"startedAt":{"S":').string(r.startedAt);
  w.raw('},"endedAt":{"S":').string(r.endedAt);
  w.raw('},"day":{"S":').string(r.day);
  w.raw('},"durationSeconds":{"N":').numberString(r.durationSeconds);
  w.raw('},"billedSeconds":{"N":').numberString(r.billedSeconds);
  w.raw('},"includedSecondsUsed":{"N":').numberString(r.includedSecondsUsed);
  w.raw('},"amount":{"N":').numberString(r.amount);
  w.raw(r.missed ? '},"missed":{"BOOL":true' : '},"missed":{"BOOL":false');
  w.raw(r.local ? '},"local":{"BOOL":true' : '},"local":{"BOOL":false');
  w.raw(r.ivr ? '},"ivr":{"BOOL":true' : '},"ivr":{"BOOL":false');
  w.raw('},"recordingSeconds":{"N":').numberString(r.recordingSeconds);
  w.raw('},"segment":{"S":').string(r.segment);
  w.raw('},"plan":{"S":').string(r.plan);
  w.raw('},"tariffVersion":{"S":').string(r.tariffVersion);
  w.raw('},"lastUpdatedAt":{"S":').string(r.lastUpdatedAt);
  // What the call#<ContactId> ledger entry posted; later changes are call_adjustment entries.
  w.raw('},"ledgerAmount":{"N":').numberString(ledgerAmount);
  w.raw('},"gsi2pk":{"S":').string(`CALLS#${r.number}`);
  w.raw('},"gsi2sk":{"S":').string(`${r.startedAt}#${r.contactId}`);
  w.raw('},"expiresAt":{"N":').numberString(
    Math.floor(Date.parse(r.endedAt) / 1000) + retention * DAY_SECONDS,
  );
  if (r.caller !== undefined) w.raw('},"caller":{"S":').string(r.caller);
  // The one non-ASCII attribute (a place name): escaped, so the request body stays a one-byte string.
  if (r.callerRegion !== undefined) w.raw('},"callerRegion":{"S":').asciiString(r.callerRegion);
  if (r.answeredBy !== undefined) w.raw('},"answeredBy":{"S":').string(r.answeredBy);
  if (r.answerNumber !== undefined) w.raw('},"answerNumber":{"S":').string(r.answerNumber);
  if (r.answeredAt !== undefined) w.raw('},"answeredAt":{"S":').string(r.answeredAt);
  if (r.recordingRef !== undefined) w.raw('},"recordingRef":{"S":').string(r.recordingRef);
  if (r.initialContactId !== undefined) w.raw('},"initialContactId":{"S":').string(r.initialContactId);
  if (ledgerAmount !== 0) {
    w.raw('},"gsi1pk":{"S":').string(`ACCT#${r.tenantId}`);
    w.raw('},"gsi1sk":{"S":').string(`${r.endedAt}#${callLedgerKey(r.contactId)}`);
  }
  // Written ahead of its account update (deferred posting): the posting that carries its money.
  if (posting) w.raw('},"posting":{"S":').string(posting);
  w.raw('}}');
}

/** A chunk's call writes, written into their transaction's body when it is sent (writeCallActions). */
interface CallItems {
  readonly writes: readonly CallWrite[];
  readonly existing: ReadonlyMap<string, Record<string, unknown>>;
  readonly retention: number;
  readonly posting?: string;
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

/** One account's share of a transaction: its account write and its calls' writes. */
interface AccountUnit {
  readonly tenantId: string;
  /** Its account, alert and posting writes. */
  readonly actions: (TransactItem | TransactWriteItem)[];
  /**
   * Its call items, written only when its transaction is sent, straight into the body's text: nothing per
   * call survives to be scavenged or promoted to the old generation.
   */
  readonly callItems?: CallItems;
  /** Transaction actions it takes (actions and call items). */
  readonly size: number;
  readonly outbox: OutboxEntry[];
  readonly contactIds: string[];
  readonly counts: { charged: number; adjusted: number };
  /** Part of a deferred posting: if any unit of the account fails, all its contacts go round again. */
  readonly deferred?: boolean;
}

// Callbacks on the per-record paths are module-level functions, never closures made per batch: V8 drops a
// dead closure's optimised code at the next full GC and compiles it again for the next batch (measured:
// 1–50 ms of background compilation each time; see docs/ARCHITECTURE.md).
const byStartedMs = (a: Resolved, b: Resolved) => a.call.contact.startedMs - b.call.contact.startedMs;
const callOf = (r: Resolved) => r.call;
const contactIdOf = (r: Resolved) => r.call.contact.contactId;
const unitSize = (u: AccountUnit) => u.size;
const snapshotKey = (accessNumber: string) => ({ pk: `ACCESS#${accessNumber}`, sk: 'SNAPSHOT' });

/** Transaction bodies are written into this one writer (synchronously, then taken and sent). */
const TRANSACTION_BODY = new JsonText();

/** What one `execute` call has committed and what must go round again. */
interface Execution {
  readonly chains: readonly AccountUnit[][];
  readonly failedContacts: Set<string>;
  readonly failedTenants: Set<string>;
  readonly committed: { transactions: number; charged: number; adjusted: number; outbox: OutboxEntry[] };
}

export interface IngestDeps {
  readonly rating: RatingContext;
}

export class CallIngest {
  constructor(private readonly deps: IngestDeps) {}

  // The batch's work is split into small methods: V8 optimises each on its own. One function holding every
  // per-record loop took ~100 ms of background compilation each time it was (re)optimised, and it was
  // deoptimised and recompiled every few batches.
  async ingest(records: readonly RawRecord[]): Promise<IngestResult> {
    const batch = parseContactBatch(records);
    const failures = [...batch.rejected];
    const failContact = (contactId: string, reason: string) => {
      for (const id of batch.idsByContact.get(contactId) ?? []) failures.push({ id, reason });
    };
    let pending = batch.newest;
    const totals = { charged: 0, adjusted: 0, stale: 0, transactions: 0 };
    const committedOutbox: OutboxEntry[] = [];
    // Resolution of numbers does not change between rounds; cache it per batch.
    const resolution: Resolution = new Map();
    for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, Math.min(400, 15 * 2 ** round * Math.random())));
      let state: RoundState;
      try {
        state = await this.readRound(pending, round, resolution, failContact);
      } catch (error) {
        if (round === MAX_ROUNDS - 1) throw error;
        logger.warn('ingest read failed; retrying', { error: error as Error });
        continue;
      }
      const planned = this.planAccounts(state);
      totals.stale += planned.stale;
      const { failedContacts, committed } = await this.execute(planned.units);
      totals.transactions += committed.transactions;
      totals.charged += committed.charged;
      totals.adjusted += committed.adjusted;
      committedOutbox.push(...committed.outbox);
      const again: NormalizedContact[] = [];
      for (const c of pending) if (failedContacts.has(c.contactId)) again.push(c);
      pending = again;
      if (round === MAX_ROUNDS - 1)
        for (const c of pending) failContact(c.contactId, 'account busy: transaction kept failing');
    }
    await publishOutbox(committedOutbox);
    return { failures, ...totals, ignored: batch.ignored };
  }

  /**
   * What a round needs: the call items it must know, each contact's tenant, and the accounts.
   * Round 0 reads no call items: a new contact's conditional put is its exactly-once check, and a known
   * one makes the transaction fail, so the next round reads them (and rates the changes). Only a transfer
   * segment without an access number needs its first segment to find its tenant.
   */
  private async readRound(
    pending: readonly NormalizedContact[],
    round: number,
    resolution: Resolution,
    fail: (contactId: string, reason: string) => void,
  ): Promise<RoundState> {
    const keys: { pk: string; sk: string }[] = [];
    for (const c of pending) {
      const transfer = c.initialContactId && !c.accessNumber;
      if (round > 0) keys.push(callKey(c.contactId));
      if (transfer) {
        keys.push(callKey(c.initialContactId as string));
        if (round === 0) keys.push(callKey(c.contactId));
      }
    }
    const existing = await batchGet('ledger', keys);
    const resolved = await this.resolve(pending, existing, resolution, fail);
    const zone = this.deps.rating.book.tariff.timeZone;
    // Calls written ahead of their account update by an interrupted run: apply their postings first.
    const unapplied = new Map<string, Set<string>>();
    for (const item of existing.values()) {
      if (typeof item.posting !== 'string') continue;
      const keys = unapplied.get(String(item.tenantId)) ?? new Set<string>();
      keys.add(item.posting);
      unapplied.set(String(item.tenantId), keys);
    }
    for (const [tenantId, keys] of unapplied) await applyPendingPostings(tenantId, [...keys], zone);
    const today = localDay(zone, clock().now().getTime());
    const tenantIds = new Set<string>();
    for (const r of resolved) tenantIds.add(r.tenantId);
    const accounts = await readAccounts([...tenantIds], today);
    return { existing, resolved, accounts };
  }

  /** Each account's calls → its chain of transaction units. */
  private planAccounts({ existing, resolved, accounts }: RoundState) {
    const units: AccountUnit[][] = [];
    let stale = 0;
    const byTenant = new Map<string, Resolved[]>();
    for (const r of resolved) {
      const list = byTenant.get(r.tenantId);
      if (list) list.push(r);
      else byTenant.set(r.tenantId, [r]);
    }
    for (const [tenantId, calls] of byTenant) {
      const stored = accounts.get(tenantId);
      if (!stored) continue;
      const chain = this.plan(stored, calls, existing);
      stale += chain.stale;
      if (chain.units.length > 0) units.push(chain.units);
    }
    return { units, stale };
  }

  /** Access number → tenant and 400 number (routing snapshot), then the number's segment and plan. */
  private async resolve(
    contacts: readonly NormalizedContact[],
    existing: Map<string, Record<string, unknown>>,
    cache: Resolution,
    fail: (contactId: string, reason: string) => void,
  ): Promise<Resolved[]> {
    const unknown = new Set<string>();
    for (const c of contacts) if (c.accessNumber && !cache.has(c.accessNumber)) unknown.add(c.accessNumber);
    const accessNumbers = [...unknown];
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
        const first =
          existing.get(`CALL#${c.initialContactId}|CALL`) ?? existing.get(`CALL#${c.contactId}|CALL`);
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
        fail(
          c.contactId,
          c.accessNumber
            ? `access number ${c.accessNumber} is not bound to a 400 number`
            : 'contact has no system endpoint to rate',
        );
        continue;
      }
      out.push({
        tenantId: target.tenantId,
        call: { contact: c, number: target.number, accessNumber, segment: target.segment, plan: target.plan },
      });
    }
    return out;
  }

  /**
   * One account's calls → units of at most 100 actions, each carrying the account's state after its
   * calls; chunks after the first are conditioned on the version the previous chunk wrote.
   */
  private plan(
    stored: StoredAccount,
    calls: readonly Resolved[],
    existing: Map<string, Record<string, unknown>>,
  ) {
    const existingCalls = new Map<string, CallRecord>();
    for (const r of calls) {
      const item = existing.get(`CALL#${r.call.contact.contactId}|CALL`);
      if (item) existingCalls.set(r.call.contact.contactId, callFromItem(item));
    }
    // Chunk so that calls + adjustments + account + alerts stay within the limit (adjustments are rare).
    const perChunk = MAX_TRANSACT_ACTIONS - 6;
    if (calls.length > perChunk) return this.planDeferred(stored, calls, existing, existingCalls);
    const units: AccountUnit[] = [];
    let current = stored;
    let stale = 0;
    const sorted = [...calls].sort(byStartedMs);
    for (let i = 0; i < sorted.length; ) {
      let take = Math.min(perChunk, sorted.length - i);
      let result: ReturnType<typeof chargeCalls>;
      let counts: ReturnType<typeof callCounts>;
      for (;;) {
        const chunk = sorted.slice(i, i + take).map(callOf);
        result = chargeCalls(current.account, chunk, existingCalls, this.deps.rating);
        counts = callCounts(result.writes);
        if (1 + counts.actions + result.crossings.length <= MAX_TRANSACT_ACTIONS || take === 1) break;
        take = Math.max(1, Math.floor(take / 2));
      }
      const chunkCalls = sorted.slice(i, i + take);
      i += take;
      stale += result.stale.length;
      if (result.writes.length === 0) continue;
      const retention = retentionDays(current);
      const now = clock().now().toISOString();
      const actions: (TransactItem | TransactWriteItem)[] = [];
      const outbox: OutboxEntry[] = [];
      // The account remembers the numbers it has calls on (tenant-wide reports read them).
      const known = new Set(
        Array.isArray(current.item?.callNumbers) ? (current.item.callNumbers as string[]) : [],
      );
      const numbersBefore = known.size;
      for (const w of result.writes) known.add(w.record.number);
      const nextAccount =
        result.accountChanged || known.size === numbersBefore
          ? result.account
          : { ...result.account, version: result.account.version + 1 };
      const writeAccount = result.accountChanged || known.size !== numbersBefore;
      if (writeAccount) actions.push(putAccountAction(current, nextAccount, { callNumbers: [...known] }));
      for (const c of result.crossings) {
        const o = outboxPutAction(notificationFor(result.account, c), now);
        actions.push(o.action);
        outbox.push(o.entry);
      }
      units.push({
        tenantId: stored.account.tenantId,
        actions,
        callItems: { writes: result.writes, existing, retention },
        size: actions.length + counts.actions,
        outbox,
        contactIds: chunkCalls.map(contactIdOf),
        counts: { charged: counts.charged, adjusted: counts.adjusted },
      });
      if (writeAccount) {
        current = {
          account: nextAccount,
          item: Object.assign({}, current.item, { version: nextAccount.version, callNumbers: [...known] }),
        };
      }
    }
    return { units, stale };
  }

  /**
   * More calls than one transaction carries beside the account: calls first, in transactions of up to 99
   * call items plus a posting item each; then the account written once, applying every posting.
   */
  private planDeferred(
    stored: StoredAccount,
    calls: readonly Resolved[],
    existing: Map<string, Record<string, unknown>>,
    existingCalls: Map<string, CallRecord>,
  ) {
    const tenantId = stored.account.tenantId;
    const units: AccountUnit[] = [];
    const postings: Posting[] = [];
    const postingBase = crypto.randomUUID();
    const retention = retentionDays(stored);
    const now = clock().now().toISOString();
    let rated = stored.account;
    let stale = 0;
    const numbers = new Set(
      Array.isArray(stored.item?.callNumbers) ? (stored.item.callNumbers as string[]) : [],
    );
    const sorted = [...calls].sort(byStartedMs);
    for (let i = 0; i < sorted.length; ) {
      let take = Math.min(MAX_TRANSACT_ACTIONS - 1, sorted.length - i);
      let result: ReturnType<typeof chargeCalls>;
      let counts: ReturnType<typeof callCounts>;
      for (;;) {
        result = chargeCalls(rated, sorted.slice(i, i + take).map(callOf), existingCalls, this.deps.rating);
        counts = callCounts(result.writes);
        if (1 + counts.actions <= MAX_TRANSACT_ACTIONS || take === 1) break;
        take = Math.max(1, Math.floor(take / 2));
      }
      const chunkCalls = sorted.slice(i, i + take);
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
        actions: [postingPutAction(posting, now)],
        callItems: { writes: result.writes, existing, retention, posting: posting.key },
        size: 1 + counts.actions,
        outbox: [],
        contactIds: chunkCalls.map(contactIdOf),
        counts: { charged: counts.charged, adjusted: counts.adjusted },
        deferred: true,
      });
    }
    let current = stored;
    for (let p = 0; p < postings.length; p += POSTINGS_PER_APPLY) {
      const group = postings.slice(p, p + POSTINGS_PER_APPLY);
      const { account, crossings } = applyPostings(current.account, group);
      const alerts = crossings.map((c) => outboxPutAction(notificationFor(account, c), now));
      const actions = [
        putAccountAction(current, account, { callNumbers: [...numbers] }),
        ...group.map((g) => postingApplyAction(g, now)),
        ...alerts.map((a) => a.action),
      ];
      units.push({
        tenantId,
        actions,
        size: actions.length,
        outbox: alerts.map((a) => a.entry),
        contactIds: [],
        counts: { charged: 0, adjusted: 0 },
        deferred: true,
      });
      current = {
        account,
        item: Object.assign({}, current.item, { version: account.version, callNumbers: [...numbers] }),
      };
    }
    return { units, stale };
  }

  /** The call items (and adjustment entries) of one chunk, already in the wire shape. */
  /** The TransactWriteItems input of some units, written synchronously into the one reused writer. */
  private transactionBody(units: readonly AccountUnit[]): string {
    const body = TRANSACTION_BODY;
    try {
      body.raw('{"TransactItems":').openList();
      for (const u of units) {
        for (const a of u.actions) body.item().raw(JSON.stringify(lowLevelAction(a)));
        if (u.callItems) this.writeCallActions(body, u.tenantId, u.callItems);
      }
      return body.raw(`],"ClientRequestToken":"${randomUUID()}"}`).take();
    } finally {
      body.clear();
    }
  }

  /** The call items (and adjustment entries) of one chunk, as elements of the open list of actions. */
  private writeCallActions(
    body: JsonText,
    tenantId: string,
    { writes, existing, retention, posting }: CallItems,
  ): void {
    const table = JSON.stringify(tableName('ledger'));
    for (const w of writes) {
      body.item().raw('{"Put":{"TableName":').raw(table);
      if (w.kind === 'new') {
        body.raw(',"ConditionExpression":"attribute_not_exists(pk)","Item":');
        writeCallItem(body, w.record, w.record.amount, retention, posting);
        body.raw('}}');
        continue;
      }
      const prevItem = existing.get(`CALL#${w.record.contactId}|CALL`);
      const ledgerAmount =
        typeof prevItem?.ledgerAmount === 'number' ? prevItem.ledgerAmount : w.previous.amount;
      body.raw(',"ConditionExpression":"lastUpdatedAt = :prev","ExpressionAttributeValues":{":prev":{"S":');
      body.string(w.previous.lastUpdatedAt).raw('}},"Item":');
      writeCallItem(body, w.record, ledgerAmount, retention, posting);
      body.raw('}}');
      if (w.adjustment === 0) continue;
      const key = callAdjustmentKey(w.record.contactId, w.record.lastUpdatedAt);
      const adjustment: TransactWriteItem = {
        Put: {
          TableName: tableName('ledger'),
          Item: attributes({
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
          }),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
      body.item().raw(JSON.stringify(adjustment));
    }
  }

  /**
   * Packs units into transactions of at most 100 actions (an account at most once per transaction;
   * an account's later chunks wait for its earlier ones) and runs them.
   */
  private async execute(chains: AccountUnit[][]) {
    const run: Execution = {
      chains,
      failedContacts: new Set<string>(),
      failedTenants: new Set<string>(),
      committed: { transactions: 0, charged: 0, adjusted: 0, outbox: [] },
    };
    const queues = chains.map((c) => [...c]);
    for (;;) {
      // Take the head unit of every account chain, first-fit into transactions.
      const heads: AccountUnit[] = [];
      for (const q of queues) {
        const head = q.shift();
        if (head) heads.push(head);
      }
      if (heads.length === 0) break;
      const transactions = packTransactions(heads, unitSize);
      const sent: Promise<void>[] = [];
      for (const units of transactions) sent.push(this.commit(units, run));
      await Promise.all(sent);
    }
    return { failedContacts: run.failedContacts, committed: run.committed };
  }

  /** One transaction of units; a failed one marks its accounts' contacts to go round again. */
  private async commit(units: readonly AccountUnit[], run: Execution): Promise<void> {
    const { failedContacts, failedTenants, committed } = run;
    const live: AccountUnit[] = [];
    for (const u of units)
      if (!failedTenants.has(u.tenantId)) live.push(u);
      else for (const id of u.contactIds) failedContacts.add(id);
    if (live.length === 0) return;
    try {
      await transactWriteJson(this.transactionBody(live));
      committed.transactions++;
      for (const u of live) {
        committed.charged += u.counts.charged;
        committed.adjusted += u.counts.adjusted;
        for (const entry of u.outbox) committed.outbox.push(entry);
      }
    } catch (error) {
      if (!isTransactionConflict(error)) logger.warn('charge transaction failed', { error: error as Error });
      // Recomputed from fresh reads in the next round; a later chunk of the same account must wait.
      for (const u of live) {
        failedTenants.add(u.tenantId);
        for (const id of u.contactIds) failedContacts.add(id);
        // A deferred posting's committed calls go round again too, so their posting is applied.
        if (u.deferred)
          for (const chain of run.chains)
            for (const other of chain)
              if (other.tenantId === u.tenantId) for (const id of other.contactIds) failedContacts.add(id);
      }
    }
  }
}
