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
 * transactions of a posting item and as many calls as fit beside it (up to 99), and its last calls ride
 * in the transaction that writes its account ONCE, applying every posting
 * (shared/domain/ledger/postings.ts) — up to ~8,900 calls per account write.
 * An allowance bucket is written (conditioned on its version) by each transaction whose calls change what
 * they claim from it, with just those calls' claims added (BucketChain): a claim is written with its
 * call, never before or after it, and a chunk carries only its own calls' buckets, so an account's calls
 * may touch any number of buckets in one batch (one call on each of 150 numbers: three chunks of 49
 * calls, their 49 buckets and a posting, then the last 3 calls and their buckets with the account). A
 * crash between chunks leaves exactly the written calls' claims: the batch's retry allocates the rest (a
 * claim already written allocates the same again: that bucket is not rewritten), and a batch
 * dead-lettered instead holds no included minutes for calls that were never written.
 * A lost race (another writer moved the account, or a contact was charged meanwhile) marks just those
 * accounts' contacts to go round again.
 *
 * A late record that takes included minutes back from calls charged before it re-settles those calls
 * (rewrite + adjustment entry keyed by the bucket version that displaced them). A few ride in the
 * account's transaction with the bucket's new allocation, when they fit there and that one transaction
 * takes all its calls. Else they are owed on the bucket (`pending`, written with the claims of the calls
 * that displace them) and carried out in re-settlement transactions after the account's calls: each
 * writes the account (its version chain), some of the owed calls with their adjustments, and the bucket
 * without them (its version chain). Why a crash at any point converges: every re-settlement leaves
 * `pending` in the transaction that writes it, so it is written exactly once (its adjustment key is also
 * conditioned `attribute_not_exists`); one still pending is computed from the call item as it is then
 * (the difference to the free seconds of its current claim), so a later allocation, or a call item
 * rewritten meanwhile (conditioned on the amount read), never double-counts. Whoever next touches the
 * bucket finishes what is owed: the retried batch (its late record, found charged, still touches its
 * bucket), any later record of it, or, if none comes back, the ingest's sweep (a bucket owing is on
 * gsi2's pending partition, as deferred postings are).
 */
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { alertFor, tariffWorstRatePerMinute } from '../../domain/accounts/account.js';
import { epochSecondsAfterDays } from '../../domain/calendar-date.js';
import { type CallRecord, callEntryText, callLedgerKey } from '../../domain/calls/call-record.js';
import type { NormalizedContact } from '../../domain/calls/contact-record.js';
import { retentionDays } from '../../domain/calls/retention.js';
import { type ParkReason, timeBoundsAt } from '../../domain/calls/time-bounds.js';
import {
  type AllowanceBucket,
  type AllowanceDemand,
  allocateAllowance,
  allowanceKey,
  emptyBucket,
  freeSecondsOf,
  settled,
} from '../../domain/ledger/allowances.js';
import {
  type CallToCharge,
  type CallWrite,
  type ChargeResult,
  chargeCalls,
  type RatingContext,
  type Resettlement,
} from '../../domain/ledger/call-charges.js';
import { applyPostings, type Posting, postingOf } from '../../domain/ledger/postings.js';
import { chargeHolder, type OwnershipPeriod } from '../../domain/numbers/ownership.js';
import { billedSecondsOf } from '../../domain/rating/rate-call.js';
import { localDay, localMonth } from '../../domain/zoned-time.js';
import type { CallChargesPort, ChargeBatch, ChargeRoundResult, ParkedContact } from '../../ports/calls.js';
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
  accountKey,
  batchGet,
  callNumbersOf,
  isTransactionConflict,
  putAccountAction,
  type StoredAccount,
  storedAccount,
  type TransactItem,
} from './account-store.js';
import { allowanceItemId, allowanceItemKey, allowancePutAction, bucketFromItem } from './allowance-items.js';
import { dynamo } from './client.js';
import { MAX_TRANSACT_ACTIONS, packTransactions } from './paging.js';
import { DISMISSED_CALL, parkContacts } from './parked-records.js';

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

/** The call#<ContactId> entry as first posted: amount, time and text never change afterwards. */
export interface PostedCallEntry {
  readonly amount: number;
  readonly at: string;
  readonly description: string;
}

/** The entry a call item posted (items written before `at`/`description` were stored: derived as then). */
export function postedEntryOf(item: Item | undefined, previous: CallRecord): PostedCallEntry {
  return {
    amount: typeof item?.ledgerAmount === 'number' ? item.ledgerAmount : previous.amount,
    at: typeof item?.at === 'string' ? item.at : previous.endedAt,
    description: typeof item?.description === 'string' ? item.description : callEntryText(previous),
  };
}

/**
 * The call item: the CallRecord's attributes plus keys, the ledger view (gsi1, when it moved money) and
 * the TTL. It is also the ledger entry call#<ContactId>, posted once: `ledgerAmount`, `at` and
 * `description` are what it posted and stay so when a newer record rewrites the call (the difference is
 * a call_adjustment entry, dated when it is posted).
 */
export function callItem(r: CallRecord, entry: PostedCallEntry, retention: number, posting?: string): Item {
  return {
    ...callKey(r.contactId),
    type: 'call',
    ...r,
    ledgerAmount: entry.amount,
    at: entry.at,
    description: entry.description,
    gsi2pk: callsPartition(r.tenantId, r.number),
    gsi2sk: `${r.startedAt}#${r.contactId}`,
    expiresAt: epochSecondsAfterDays(r.endedAt, retention),
    ...(entry.amount !== 0
      ? { gsi1pk: `ACCT#${r.tenantId}`, gsi1sk: `${entry.at}#${callLedgerKey(r.contactId)}` }
      : {}),
    // Written ahead of its account update (deferred posting): the posting that carries its money.
    ...(posting ? { posting } : {}),
  };
}

interface Resolved {
  readonly call: CallToCharge;
  readonly tenantId: string;
}

/** Access number → its 400 number, segment, plan and ownership periods (null: not bound), for the batch. */
type Resolution = Map<
  string,
  {
    tenantId: string;
    number: string;
    segment?: string;
    plan?: string;
    /** Absent on numbers written before ownership was kept: their current holder is charged. */
    owners?: readonly OwnershipPeriod[];
  } | null
>;

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

/** What an account's first unit carries beside its calls: re-allocated buckets and re-settled calls. */
interface AllowanceWork {
  readonly buckets: readonly AllowanceBucket[];
  readonly resettle: readonly Resettlement[];
}

/** One allowance bucket of an account, in a round: its allocation and the re-settlements it owes. */
interface BucketWork {
  /**
   * After the allocation of the whole batch: `pending` holds every re-settlement owed (those below too).
   * Once the account's calls are planned, the bucket as their units wrote it (BucketChain.settle).
   */
  bucket: AllowanceBucket;
  /** The allocation changed it (or its never-written calls were dropped from what it owes). */
  changed: boolean;
  /** The bucket as read (with the plan's included seconds) and the batch's demands on it. */
  readonly read: AllowanceBucket;
  readonly demands: readonly AllowanceDemand[];
  /** Calls it owed a re-settlement that were never written: dropped from `pending` by its first write. */
  readonly dropped: string[];
  /** The owed re-settlements this round carries out, from the calls' items as read now. */
  readonly resettle: Resettlement[];
  /** The batch's contacts on the bucket: they go round again if a re-settlement unit fails. */
  readonly contactIds: readonly string[];
}

/**
 * Re-settlements that ride in the account's first unit beside its calls when they fit: with one call,
 * the account and its alerts (≤ 4 kinds), the buckets and 2 actions per re-settled call stay ≤ 100.
 */
const INLINE_ACTIONS = MAX_TRANSACT_ACTIONS - 1 - 4 - 2;
/** Re-settled calls per re-settlement unit at most (2 actions each, beside the account and buckets). */
const RESETTLEMENTS_PER_UNIT = 45;

/**
 * Where an account's buckets are written: by each unit whose calls change what they claim, re-allocated
 * with just that unit's demands on the state the unit before wrote (version after version). So a bucket
 * never holds the claim of a call not yet written, whichever transaction a crash stops at: a batch
 * dead-lettered after a crash leaves no included minutes held for its calls, and needs no release.
 * Preventing those claims is simpler than releasing them: a release needs a marker per claim, a sweep
 * after a delay, and a guard against a redrive writing the call meanwhile (the call's transaction would
 * have to check the bucket), and it could not give minutes back to calls charged in full in between (they
 * hold no claim). The cost is one more bucket write per later unit, only for a bucket whose calls span
 * units. Allocation goes in call-start order (ties by ContactId, as the units are sorted), so each unit's
 * calls take the seconds the allocation of the whole batch gave them (those they are rated with).
 * A bucket none of the calls touch (one the sweep finishes) goes with the first unit.
 */
class BucketChain {
  private readonly calls = new Map<BucketWork, { at: number[]; demands: [number, AllowanceDemand][] }>();
  private readonly written = new Map<BucketWork, AllowanceBucket>();
  private started = false;

  constructor(
    private readonly work: readonly BucketWork[],
    sorted: readonly Resolved[],
  ) {
    const index = new Map(sorted.map((r, i) => [r.call.contact.contactId, i]));
    for (const w of work)
      this.calls.set(w, {
        at: w.contactIds.flatMap((id) => index.get(id) ?? []),
        demands: w.demands.flatMap((d) => {
          const i = index.get(d.contactId);
          return i === undefined ? [] : [[i, d] as [number, AllowanceDemand]];
        }),
      });
  }

  /** The bucket writes of the unit of calls [from, to), were it the next unit (commit once it is). */
  writes(from: number, to: number): [BucketWork, AllowanceBucket][] {
    const out: [BucketWork, AllowanceBucket][] = [];
    for (const w of this.work) {
      const { at, demands } = this.calls.get(w) ?? { at: [], demands: [] };
      const touched = at.some((i) => i >= from && i < to) || (!this.started && at.length === 0);
      if (!touched) continue;
      const previous = this.written.get(w);
      const before = previous ?? w.read;
      const allocation = allocateAllowance(
        before,
        demands.flatMap(([i, d]) => (i >= from && i < to ? [d] : [])),
      );
      const dropping = previous === undefined && w.dropped.length > 0;
      if (!allocation.changed && !dropping) continue;
      const next = allocation.changed ? allocation.bucket : { ...before, version: before.version + 1 };
      out.push([w, w.dropped.length > 0 ? { ...settled(next, w.dropped), version: next.version } : next]);
    }
    return out;
  }

  commit(writes: readonly [BucketWork, AllowanceBucket][]): void {
    for (const [w, b] of writes) this.written.set(w, b);
    this.started = true;
  }

  /** After the account's calls: each bucket as written, for the re-settlement units that follow. */
  settle(): void {
    for (const w of this.work) w.bucket = this.written.get(w) ?? w.read;
  }
}

/**
 * The first unit's bucket writes and re-settlements, when there are re-settlements owed and they fit
 * beside the calls (the caller keeps them there only when that unit takes every call); else none (the
 * buckets go with their calls: BucketChain), and `later`: the buckets whose owed calls wait for their own
 * units.
 */
function firstUnitWork(buckets: readonly BucketWork[]): AllowanceWork & { later: BucketWork[] } {
  const owed = buckets.reduce((n, b) => n + b.resettle.length, 0);
  if (owed === 0 || buckets.length + 2 * owed > INLINE_ACTIONS) return placedWork(buckets);
  const written = buckets.flatMap((b) => {
    if (!b.changed && b.resettle.length === 0) return [];
    const done = settled(
      b.bucket,
      b.resettle.map((r) => r.record.contactId),
    );
    // One write: the allocation's new version, or the next one when only its owed calls changed it.
    return [b.changed ? { ...done, version: b.bucket.version } : done];
  });
  return { buckets: written, resettle: buckets.flatMap((b) => b.resettle), later: [] };
}

/** Buckets written with their calls (BucketChain); what they owe, after the account's calls. */
function placedWork(buckets: readonly BucketWork[]): AllowanceWork & { later: BucketWork[] } {
  return { buckets: [], resettle: [], later: buckets.filter((b) => b.resettle.length > 0) };
}

/** A re-settlement a bucket owes: the call, its free seconds now and the version that displaced it. */
interface Owed {
  readonly work: BucketWork;
  readonly contactId: string;
  readonly seconds: number;
  readonly version: number;
}

/**
 * What a bucket owes, but for calls of the batch (`demanded`): those are rated from the allocation itself
 * and stay owed until a re-settlement of them is written (then with the difference their write left).
 */
function owedOf(work: BucketWork, demanded: ReadonlySet<string>): Owed[] {
  return Object.entries(work.bucket.pending ?? {}).flatMap(([contactId, version]) =>
    demanded.has(contactId)
      ? []
      : [{ work, contactId, seconds: freeSecondsOf(work.bucket, contactId), version }],
  );
}

/** Reads the owed calls' items (one request) into their buckets' work and `existing`. */
async function readOwed(owed: readonly Owed[], existing: Map<string, Item>): Promise<void> {
  if (owed.length === 0) return;
  const calls = await batchGet(
    'ledger',
    owed.map((o) => callKey(o.contactId)),
  );
  for (const o of owed) {
    const item = calls.get(callId(o.contactId));
    if (!item) {
      // Its bucket took the claim but its call item was never written (a run failed in between):
      // when its record comes again it is rated from the allocation, so nothing is owed.
      const dropped = settled(o.work.bucket, [o.contactId]);
      o.work.bucket = o.work.changed ? { ...dropped, version: o.work.bucket.version } : dropped;
      o.work.changed = true;
      o.work.dropped.push(o.contactId);
      continue;
    }
    // Kept with the batch's calls: its rewrite keeps the entry it posted (postedEntryOf).
    existing.set(callId(o.contactId), item);
    o.work.resettle.push({ record: callFromItem(item), freeSeconds: o.seconds, bucketVersion: o.version });
  }
}

export interface ChargeStoreOptions {
  readonly rating: RatingContext;
  /** Days call records are kept unless the tenant asks for longer (CALL_RETENTION_DAYS). */
  readonly retentionDays?: number;
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

export class DynamoCallCharges implements CallChargesPort {
  constructor(private readonly options: ChargeStoreOptions) {}

  /** The zone of the tariffs (every version keeps the default tariff's). */
  private get zone(): string {
    return this.options.rating.bookAt(0).tariff.timeZone;
  }

  /** The refusal point's rate now: the dearest minute of the tariff in force (route-call and `/v1/account` agree). */
  private refusalRate(now: Date): number {
    return tariffWorstRatePerMinute(this.options.rating.bookAt(now.getTime()).tariff);
  }

  batch(): ChargeBatch {
    const resolution: Resolution = new Map();
    return { round: (contacts, round, now) => this.round(contacts, round, now, resolution) };
  }

  /** Deferred postings, and re-settlements buckets still owe, that a crashed or abandoned run left. */
  async sweepPendingPostings(now: Date, olderThanMs?: number) {
    const swept = await sweepPendingPostings(
      this.zone,
      now,
      this.refusalRate(now),
      olderThanMs,
      50,
      this.options.warn,
    );
    const alerts = [...swept.alerts];
    const byTenant = new Map<string, string[]>();
    for (const o of swept.owing) byTenant.set(o.tenantId, [...(byTenant.get(o.tenantId) ?? []), o.key]);
    for (const [tenantId, keys] of byTenant)
      try {
        alerts.push(...(await this.finishResettlements(tenantId, keys, now)));
      } catch (error) {
        this.options.warn?.('owed re-settlements not finished yet', { tenantId, error });
      }
    return { applied: swept.applied, alerts };
  }

  /**
   * The re-settlements these buckets of a tenant still owe, carried out as a batch touching them would
   * (a lost race leaves them for the next sweep or batch).
   */
  private async finishResettlements(tenantId: string, keys: readonly string[], now: Date) {
    const items = await batchGet('ledger', [
      accountKey(tenantId),
      ...keys.map((k) => allowanceItemKey(tenantId, k)),
    ]);
    const stored = storedAccount(
      tenantId,
      items.get(`ACCT#${tenantId}|ACCOUNT`),
      localDay(this.zone, now.getTime()),
    );
    const work: BucketWork[] = keys.flatMap((k) => {
      const bucket = bucketFromItem(items.get(allowanceItemId(tenantId, k)));
      return bucket
        ? [{ bucket, changed: false, read: bucket, demands: [], dropped: [], resettle: [], contactIds: [] }]
        : [];
    });
    const existing = new Map<string, Item>();
    await readOwed(
      work.flatMap((w) => owedOf(w, new Set())),
      existing,
    );
    const { units } = this.plan(stored, [], existing, new Map(), work, now);
    return (await this.execute([units])).alerts;
  }

  private async round(
    pending: readonly NormalizedContact[],
    round: number,
    now: Date,
    resolution: Resolution,
  ): Promise<ChargeRoundResult> {
    const unchargeable: { contactId: string; reason: string }[] = [];
    const parked: ParkedContact[] = [];
    const existing = await this.readCalls(pending, round);
    const skipped = { dismissed: 0 };
    const resolved = await this.resolve(pending, existing, resolution, unchargeable, parked, now, skipped);
    await this.park(parked, now);
    const alerts = await this.applyUnappliedPostings(existing, now);
    const demands = this.allowanceDemands(resolved, existing);
    const tenantIds = [...new Set(resolved.map((r) => r.tenantId))];
    const items = await batchGet('ledger', [
      ...tenantIds.map(accountKey),
      ...[...demands.values()].map((d) => allowanceItemKey(d.tenantId, d.key)),
    ]);
    const today = localDay(this.zone, now.getTime());
    const accounts = new Map(
      tenantIds.map((t) => [t, storedAccount(t, items.get(`ACCT#${t}|ACCOUNT`), today)]),
    );
    const allowances = await this.allocate(demands, items, resolved, existing);
    const { chains, stale } = this.planAccounts(resolved, existing, accounts, allowances, now);
    const executed = await this.execute(chains);
    return {
      unchargeable,
      parked: parked.length,
      // A dismissed contact's newer record changes nothing, like a stale one.
      stale: stale + skipped.dismissed,
      ...executed,
      alerts: [...alerts, ...executed.alerts],
    };
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
      alerts.push(
        ...(await applyPendingPostings(tenantId, [...keys], this.zone, now, this.refusalRate(now))).alerts,
      );
    return alerts;
  }

  /** Parked records, kept for review (./parked-records.ts): never charged. */
  private async park(parked: readonly ParkedContact[], now: Date): Promise<void> {
    if (parked.length > 0) await parkContacts(parked, now);
  }

  /**
   * Access number → 400 number (routing snapshot), then the number's segment, plan and ownership
   * periods; the tenant is the one that held the number when the call started. A contact already charged
   * stays with the tenant it was charged to (a late update of a call whose number has moved since).
   * Records out of time bounds, or started while nobody held the number, are parked.
   */
  private async resolve(
    contacts: readonly NormalizedContact[],
    existing: Map<string, Item>,
    cache: Resolution,
    unchargeable: { contactId: string; reason: string }[],
    parked: ParkedContact[],
    now: Date,
    skipped: { dismissed: number },
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
        // A snapshot without a tenant (the number left its owner) still names the number, whose
        // ownership periods may say who held it when a late record's call started.
        if (snap && typeof snap.number400 === 'string') numbers.set(a, snap.number400);
        else cache.set(a, null);
      }
      const numberItems = await batchGet('numbers', [...new Set(numbers.values())].map(numberKey), false);
      for (const [a, n] of numbers) {
        const snap = snapshots.get(`ACCESS#${a}|SNAPSHOT`);
        const item = numberItems.get(`NUM#${n}|NUMBER`);
        if (typeof snap?.tenantId !== 'string' && !Array.isArray(item?.owners)) {
          cache.set(a, null);
          continue;
        }
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
          ...(Array.isArray(item?.owners) ? { owners: item.owners as OwnershipPeriod[] } : {}),
        });
      }
    }
    const out: Resolved[] = [];
    const outOfBounds = timeBoundsAt(now.getTime(), this.zone);
    for (const c of contacts) {
      const bounds = outOfBounds(c.startedMs);
      if (bounds) {
        parked.push(parkedOf(c, bounds));
        continue;
      }
      const charged = existing.get(callId(c.contactId));
      // Dismissed by an operator (parked-records.ts): its slot is taken, it is never charged.
      if (charged?.type === DISMISSED_CALL) {
        skipped.dismissed++;
        continue;
      }
      const initial =
        c.initialContactId && !c.accessNumber ? existing.get(callId(c.initialContactId)) : undefined;
      const first = initial?.type === DISMISSED_CALL ? undefined : initial;
      // Charged already (the owner then), or a transfer segment without a system endpoint (its first
      // segment's number): the call item says whose it is.
      const known = charged ?? first;
      if (known) {
        out.push({
          tenantId: String(known.tenantId),
          call: {
            contact: c,
            number: String(known.number),
            accessNumber: String(known.accessNumber),
            segment: known.segment as string,
            plan: known.plan as string,
          },
        });
        continue;
      }
      const target = c.accessNumber ? cache.get(c.accessNumber) : undefined;
      if (!target || !c.accessNumber) {
        unchargeable.push({
          contactId: c.contactId,
          reason: c.accessNumber
            ? `access number ${c.accessNumber} is not bound to a 400 number`
            : 'contact has no system endpoint to rate',
        });
        continue;
      }
      const holder = chargeHolder(target, c.startedAt, c.accessNumber);
      if ('park' in holder) {
        parked.push(parkedOf(c, holder.park, target.number));
        continue;
      }
      const { tenantId } = holder;
      out.push({
        tenantId,
        call: {
          contact: c,
          number: target.number,
          accessNumber: c.accessNumber,
          segment: target.segment,
          plan: target.plan,
        },
      });
    }
    return out;
  }

  /**
   * Each call's demand on its allowance bucket (plans with included minutes only), by bucket: stale
   * records demand nothing but still touch their bucket (re-settlements a crashed run left owed there are
   * finished when its batch comes again).
   */
  private allowanceDemands(resolved: readonly Resolved[], existing: Map<string, Item>) {
    const buckets = new Map<
      string,
      {
        tenantId: string;
        key: string;
        month: string;
        scope: 'number' | 'pool';
        included: number;
        demands: AllowanceDemand[];
        contactIds: string[];
      }
    >();
    for (const r of resolved) {
      const c = r.call.contact;
      const plan = this.options.rating.bookAt(c.startedMs).plan(r.call.segment, r.call.plan);
      if (plan.includedMinutes <= 0) continue;
      const month = localMonth(this.zone, c.startedMs);
      const scope = plan.allowance === 'pooled' ? 'pool' : 'number';
      const key = allowanceKey(month, scope, r.call.number, plan.plan);
      const id = allowanceItemId(r.tenantId, key);
      let bucket = buckets.get(id);
      if (!bucket) {
        bucket = {
          tenantId: r.tenantId,
          key,
          month,
          scope,
          included: plan.includedMinutes * 60,
          demands: [],
          contactIds: [],
        };
        buckets.set(id, bucket);
      }
      bucket.contactIds.push(c.contactId);
      const previous = existing.get(callId(c.contactId));
      if (previous && String(previous.lastUpdatedAt) >= c.lastUpdatedAt) continue;
      bucket.demands.push({
        contactId: c.contactId,
        startMs: c.startedMs,
        billedSeconds: billedSecondsOf(plan, c.answeredMs, c.endedMs),
        incrementSeconds: plan.incrementSeconds,
      });
    }
    return buckets;
  }

  /**
   * Allocates each bucket again with the batch's demands; gives every call its free seconds and key, and
   * reads the calls the bucket owes a re-settlement (one more request, only when a late call took
   * included seconds back from calls that started after it).
   */
  private async allocate(
    demands: ReturnType<DynamoCallCharges['allowanceDemands']>,
    items: Map<string, Item>,
    resolved: Resolved[],
    existing: Map<string, Item>,
  ): Promise<Map<string, BucketWork[]>> {
    const work = new Map<string, BucketWork[]>();
    const free = new Map<string, { seconds: number; key: string }>();
    const owed: Owed[] = [];
    for (const [id, d] of demands) {
      const stored = bucketFromItem(items.get(id)) ?? emptyBucket(d.key, d.month, d.scope, d.included);
      const read = { ...stored, includedSeconds: d.included };
      const allocation = allocateAllowance(read, d.demands);
      for (const demand of d.demands)
        free.set(demand.contactId, { seconds: allocation.free.get(demand.contactId) ?? 0, key: d.key });
      const w: BucketWork = {
        bucket: allocation.bucket,
        changed: allocation.changed,
        read,
        demands: d.demands,
        dropped: [],
        resettle: [],
        contactIds: d.contactIds,
      };
      const owes = owedOf(w, new Set(d.demands.map((x) => x.contactId)));
      owed.push(...owes);
      if (allocation.changed || owes.length > 0) work.set(d.tenantId, [...(work.get(d.tenantId) ?? []), w]);
    }
    for (let i = 0; i < resolved.length; i++) {
      const r = resolved[i] as Resolved;
      const f = free.get(r.call.contact.contactId);
      if (f) resolved[i] = { ...r, call: { ...r.call, freeSeconds: f.seconds, allowanceKey: f.key } };
    }
    await readOwed(owed, existing);
    return work;
  }

  /** Each account's calls → its chain of transaction units. */
  private planAccounts(
    resolved: readonly Resolved[],
    existing: Map<string, Item>,
    accounts: Map<string, StoredAccount>,
    allowances: Map<string, BucketWork[]>,
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
    for (const [tenantId, work] of allowances)
      if (!byTenant.has(tenantId) && work.some((b) => b.resettle.length > 0)) byTenant.set(tenantId, []);
    for (const [tenantId, calls] of byTenant) {
      const stored = accounts.get(tenantId);
      if (!stored) continue;
      const existingCalls = new Map<string, CallRecord>();
      for (const r of calls) {
        const item = existing.get(callId(r.call.contact.contactId));
        if (item) existingCalls.set(r.call.contact.contactId, callFromItem(item));
      }
      // In allocation order (start, then ContactId): each unit's calls claim what the whole batch's
      // allocation gave them (BucketChain).
      const sorted = [...calls].sort(
        (a, b) =>
          a.call.contact.startedMs - b.call.contact.startedMs ||
          (a.call.contact.contactId < b.call.contact.contactId ? -1 : 1),
      );
      const work = allowances.get(tenantId) ?? [];
      // Chunks so that calls + adjustments + account + alerts stay within the limit (adjustments are rare).
      const chain =
        sorted.length > MAX_TRANSACT_ACTIONS - 6
          ? this.planDeferred(stored, sorted, existing, existingCalls, work, now)
          : this.plan(stored, sorted, existing, existingCalls, work, now);
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
   * Rates the next chunk of calls, from `from`: the most of them (at most `room`) whose actions, one
   * more item (the account or a posting), the allowance work of the first chunk, the buckets the chunk's
   * calls write (`chain`) and, when `withAlerts`, their alerts fit one transaction (at least one call,
   * whatever it takes). A chunk's actions grow with its calls, so the largest that fits is found by
   * bisection: chunks are filled to the limit, never left half-empty. `buckets`: the bucket writes the
   * chunk's unit carries (`chained`: those of the chain, to commit with the unit).
   */
  private chargeChunk(
    account: StoredAccount['account'],
    sorted: readonly Resolved[],
    from: number,
    existingCalls: Map<string, CallRecord>,
    room: number,
    withAlerts: boolean,
    work: AllowanceWork | undefined,
    chain: BucketChain | undefined,
    now: Date,
  ): {
    take: number;
    result: ChargeResult;
    counts: ReturnType<typeof callCounts>;
    buckets: AllowanceBucket[];
    chained: [BucketWork, AllowanceBucket][];
    fits: boolean;
  } {
    const rate = (take: number) => {
      const chunk = sorted.slice(from, from + take).map((r) => r.call);
      const result = chargeCalls(account, chunk, existingCalls, this.options.rating, {
        nowMs: now.getTime(),
        resettle: work?.resettle,
        refusalRatePerMinute: this.refusalRate(now),
      });
      const counts = callCounts(result.writes);
      const alerts = withAlerts ? result.crossings.length : 0;
      const chained = chain?.writes(from, from + take) ?? [];
      const buckets = [...(work?.buckets ?? []), ...chained.map(([, b]) => b)];
      const fits = 1 + counts.actions + alerts + buckets.length <= MAX_TRANSACT_ACTIONS;
      return { take, result, counts, buckets, chained, fits };
    };
    let most = Math.min(room, sorted.length - from);
    const whole = rate(most);
    if (whole.fits || most <= 1) return whole;
    let best = rate(1);
    while (most - best.take > 1) {
      const tried = rate(Math.floor((best.take + most) / 2));
      if (tried.fits) best = tried;
      else most = tried.take;
    }
    return best;
  }

  /**
   * One account's calls → units of at most 100 actions, each carrying the account's state after its
   * calls; chunks after the first are conditioned on the version the previous chunk wrote. When one
   * unit takes every call, it carries the account's re-allocated allowance buckets and the re-settled
   * calls when they fit; else each chunk writes the buckets its calls claim from (BucketChain) and
   * re-settlement units follow the calls (re-settled from the whole batch's allocation, they must not be
   * written before the calls that moved them). Calls that do not fit one transaction beside the account
   * with their buckets (here at most 94 calls: e.g. 50 to 94 calls, each on a number of its own) write
   * the account once per chunk: a second balance write, only for such a batch, because each chunk's
   * calls must commit with the balance they move, and for so few calls deferred postings would cost more
   * (a posting item per chunk, written and then applied). A busier account takes planDeferred: one
   * balance write, whatever its buckets.
   */
  private plan(
    stored: StoredAccount,
    sorted: readonly Resolved[],
    existing: Map<string, Item>,
    existingCalls: Map<string, CallRecord>,
    work: readonly BucketWork[],
    now: Date,
  ) {
    const units: AccountUnit[] = [];
    const at = now.toISOString();
    let current = stored;
    let stale = 0;
    const chunk = (from: number, pendingWork: AllowanceWork | undefined, chain: BucketChain | undefined) =>
      this.chargeChunk(
        current.account,
        sorted,
        from,
        existingCalls,
        MAX_TRANSACT_ACTIONS - 6,
        true,
        pendingWork,
        chain,
        now,
      );
    const inline = firstUnitWork(work);
    const inlined = inline.resettle.length > 0 && chunk(0, inline, undefined).take >= sorted.length;
    const { later, ...first } = inlined ? inline : placedWork(work);
    const chain = inlined ? undefined : new BucketChain(work, sorted);
    let pendingWork: AllowanceWork | undefined = first;
    for (let i = 0; i < sorted.length || pendingWork; ) {
      const { take, result, counts, buckets, chained } = chunk(i, pendingWork, chain);
      pendingWork = undefined;
      const contactIds = sorted.slice(i, i + take).map((r) => r.call.contact.contactId);
      i += take;
      stale += result.stale.length;
      if (result.writes.length === 0 && buckets.length === 0) continue;
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
      for (const b of buckets) actions.push(allowancePutAction(stored.account.tenantId, b, at));
      actions.push(
        ...this.callActions(stored.account.tenantId, result.writes, existing, this.retention(current), at),
      );
      chain?.commit(chained);
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
    chain?.settle();
    units.push(...this.resettlementUnits(current, later, existing, now));
    return { units, stale };
  }

  /**
   * The re-settlements owed on `later`'s buckets, after the account's other units: units of at most
   * RESETTLEMENTS_PER_UNIT calls (their rewrites and adjustments), each writing the account after them
   * (its version chain) and each bucket without them (its version chain).
   */
  private resettlementUnits(
    start: StoredAccount,
    later: readonly BucketWork[],
    existing: Map<string, Item>,
    now: Date,
  ): AccountUnit[] {
    const tenantId = start.account.tenantId;
    const at = now.toISOString();
    const retention = this.retention(start);
    const owed = later.flatMap((b) => b.resettle.map((r) => ({ work: b, r })));
    const buckets = new Map(later.map((b) => [b, b.bucket]));
    const units: AccountUnit[] = [];
    let current = start;
    for (let i = 0; i < owed.length; ) {
      let take = Math.min(RESETTLEMENTS_PER_UNIT, owed.length - i);
      let chunk = owed.slice(i, i + take);
      let touched = [...new Set(chunk.map((o) => o.work))];
      let result = this.resettle(
        current.account,
        chunk.map((o) => o.r),
        now,
      );
      // Alerts and buckets beside the calls: fewer calls until the unit fits.
      while (take > 1 && this.resettlementActions(result, touched.length) > MAX_TRANSACT_ACTIONS) {
        take--;
        chunk = owed.slice(i, i + take);
        touched = [...new Set(chunk.map((o) => o.work))];
        result = this.resettle(
          current.account,
          chunk.map((o) => o.r),
          now,
        );
      }
      i += take;
      const alerts = result.crossings.map((c) => alertFor(result.account, c));
      const actions: TransactItem[] = [];
      if (result.accountChanged)
        actions.push(putAccountAction(current, result.account, at, { callNumbers: callNumbersOf(current) }));
      for (const a of alerts) actions.push(outboxPutAction(a, at));
      for (const b of touched) {
        const next = settled(
          buckets.get(b) as AllowanceBucket,
          chunk.filter((o) => o.work === b).map((o) => o.r.record.contactId),
        );
        buckets.set(b, next);
        actions.push(allowancePutAction(tenantId, next, at));
      }
      actions.push(...this.callActions(tenantId, result.writes, existing, retention, at));
      units.push({
        tenantId,
        actions,
        alerts,
        contactIds: [...new Set(touched.flatMap((b) => b.contactIds))],
        counts: { charged: 0, adjusted: callCounts(result.writes).adjusted },
      });
      if (result.accountChanged)
        current = { account: result.account, item: { ...current.item, version: result.account.version } };
    }
    return units;
  }

  private resettle(account: StoredAccount['account'], resettle: readonly Resettlement[], now: Date) {
    return chargeCalls(account, [], new Map(), this.options.rating, {
      nowMs: now.getTime(),
      resettle,
      refusalRatePerMinute: this.refusalRate(now),
    });
  }

  private resettlementActions(result: ChargeResult, buckets: number): number {
    return (
      (result.accountChanged ? 1 : 0) + result.crossings.length + buckets + callCounts(result.writes).actions
    );
  }

  /**
   * The closing unit of a deferred plan: the last calls (`rest`), their buckets, the account written once
   * applying every posting and the rest's own effect, and the alerts crossed; undefined when it exceeds
   * one transaction. `after`: the account as it writes it.
   */
  private closingUnit(
    stored: StoredAccount,
    postings: readonly Posting[],
    rated: StoredAccount['account'],
    rest: readonly Resolved[],
    existing: Map<string, Item>,
    existingCalls: Map<string, CallRecord>,
    o: { buckets: readonly AllowanceBucket[]; numbers: Set<string>; retention: number; now: Date },
  ): { unit?: AccountUnit; after: StoredAccount; stale: number } | undefined {
    const tenantId = stored.account.tenantId;
    const at = o.now.toISOString();
    const result = chargeCalls(
      rated,
      rest.map((r) => r.call),
      existingCalls,
      this.options.rating,
      { nowMs: o.now.getTime(), refusalRatePerMinute: this.refusalRate(o.now) },
    );
    const counts = callCounts(result.writes);
    // Nothing to write (a replay's stale records): the account stays as it is.
    if (postings.length === 0 && result.writes.length === 0 && o.buckets.length === 0)
      return { after: stored, stale: result.stale.length };
    // Its own effect as one more posting, never stored: the account moves as if it were applied with them.
    const own = postingOf('closing', rated, result.account, result.movements, result.writes.length);
    const { account, crossings } = applyPostings(stored.account, [...postings, own], this.refusalRate(o.now));
    const size = 1 + postings.length + crossings.length + o.buckets.length + counts.actions;
    if (size > MAX_TRANSACT_ACTIONS) return undefined;
    const numbers = [...new Set([...o.numbers, ...result.writes.map((w) => w.record.number)])];
    const alerts = crossings.map((c) => alertFor(account, c));
    return {
      unit: {
        tenantId,
        actions: [
          putAccountAction(stored, account, at, { callNumbers: numbers }),
          ...postings.map((g) => postingApplyAction(g, at)),
          ...alerts.map((a) => outboxPutAction(a, at)),
          ...o.buckets.map((b) => allowancePutAction(tenantId, b, at)),
          ...this.callActions(tenantId, result.writes, existing, o.retention, at),
        ],
        alerts,
        contactIds: rest.map((r) => r.call.contact.contactId),
        counts: { charged: counts.charged, adjusted: counts.adjusted },
        deferred: true,
      },
      after: { account, item: { ...stored.item, version: account.version, callNumbers: numbers } },
      stale: result.stale.length,
    };
  }

  /**
   * More calls than one transaction carries beside the account: calls first, in transactions of a posting
   * item and as many calls (with the buckets placed by them) as fit beside it; the last calls go in the
   * transaction that writes the account ONCE, applying every posting (the closing unit). Before each
   * chunk the rest is tried as the closing unit: the fewest transactions a split of the calls in start
   * order allows (each chunk is filled to the limit, and the account rides with the last calls instead of
   * taking a transaction of its own). A crash before the closing unit leaves postings the replay or the
   * sweep applies (their calls carry the posting's key); the closing unit's calls were not written.
   */
  private planDeferred(
    stored: StoredAccount,
    sorted: readonly Resolved[],
    existing: Map<string, Item>,
    existingCalls: Map<string, CallRecord>,
    work: readonly BucketWork[],
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
    // Each chunk writes the buckets its calls claim from (any number of buckets: a chunk carries only its
    // calls' buckets); what they owe, after the account is written.
    const chain = new BucketChain(work, sorted);
    let closing: ReturnType<DynamoCallCharges['closingUnit']>;
    for (let i = 0; i < sorted.length; ) {
      // The rest beside the account and an action per posting to apply (each call takes one at least).
      if (
        postings.length <= POSTINGS_PER_APPLY &&
        sorted.length - i <= MAX_TRANSACT_ACTIONS - 1 - postings.length
      ) {
        const chained = chain.writes(i, sorted.length);
        closing = this.closingUnit(stored, postings, rated, sorted.slice(i), existing, existingCalls, {
          buckets: chained.map(([, b]) => b),
          numbers,
          retention,
          now,
        });
        if (closing) {
          chain.commit(chained);
          if (closing.unit) units.push(closing.unit);
          stale += closing.stale;
          break;
        }
      }
      const { take, result, counts, buckets, chained } = this.chargeChunk(
        rated,
        sorted,
        i,
        existingCalls,
        MAX_TRANSACT_ACTIONS - 1,
        false,
        undefined,
        chain,
        now,
      );
      const contactIds = sorted.slice(i, i + take).map((r) => r.call.contact.contactId);
      i += take;
      stale += result.stale.length;
      if (result.writes.length === 0 && buckets.length === 0) continue;
      const posting = postingOf(
        `${postingBase}#${postings.length}`,
        rated,
        result.account,
        result.movements,
        result.writes.length,
      );
      postings.push(posting);
      chain.commit(chained);
      rated = result.account;
      for (const w of result.writes) numbers.add(w.record.number);
      units.push({
        tenantId,
        actions: [
          postingPutAction(posting, at),
          ...buckets.map((b) => allowancePutAction(tenantId, b, at)),
          ...this.callActions(tenantId, result.writes, existing, retention, at, posting.key),
        ],
        alerts: [],
        contactIds,
        counts: { charged: counts.charged, adjusted: counts.adjusted },
        deferred: true,
      });
    }
    // No calls left for a closing unit (or too many postings for it): the account written applying them.
    let current = closing?.after ?? stored;
    for (let p = 0; !closing && p < postings.length; p += POSTINGS_PER_APPLY) {
      const group = postings.slice(p, p + POSTINGS_PER_APPLY);
      const { account, crossings } = applyPostings(current.account, group, this.refusalRate(now));
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
    chain.settle();
    const owing = work.filter((b) => b.resettle.length > 0);
    units.push(...this.resettlementUnits(current, owing, existing, now));
    return { units, stale };
  }

  /**
   * The call items of one chunk, and an adjustment entry, dated `at` (when it is posted), for each call
   * re-rated to another amount. The call#<ContactId> entry keeps the amount, time and text it was posted
   * with.
   */
  private callActions(
    tenantId: string,
    writes: readonly CallWrite[],
    existing: Map<string, Item>,
    retention: number,
    at: string,
    posting?: string,
  ): TransactItem[] {
    const table = tableName('ledger');
    const actions: TransactItem[] = [];
    for (const w of writes) {
      if (w.kind === 'new') {
        const entry = { amount: w.record.amount, at: w.record.endedAt, description: callEntryText(w.record) };
        actions.push({
          Put: {
            TableName: table,
            Item: callItem(w.record, entry, retention, posting),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        continue;
      }
      const entry = postedEntryOf(existing.get(callId(w.record.contactId)), w.previous);
      // The item as read: the adjustment is the difference to its amount (a re-settlement keeps its
      // LastUpdateTimestamp, so the amount tells a concurrent rewrite).
      actions.push({
        Put: {
          TableName: table,
          Item: callItem(w.record, entry, retention, posting),
          ConditionExpression: 'lastUpdatedAt = :prev AND #amount = :amount',
          ExpressionAttributeNames: { '#amount': 'amount' },
          ExpressionAttributeValues: { ':prev': w.previous.lastUpdatedAt, ':amount': w.previous.amount },
        },
      });
      if (w.adjustment === 0) continue;
      const key = w.adjustmentKey;
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
            at,
            description:
              w.why === 'allowance'
                ? `call ${w.record.contactId} re-settled from ${w.previous.amount} to ${w.record.amount} fen: an earlier call of ${w.record.allowanceKey} arrived late and takes its included minutes first`
                : `call ${w.record.contactId} re-rated from ${w.previous.amount} to ${w.record.amount} fen (newer record)`,
            number: w.record.number,
            // What the fen trace to: the call, the tariff version it was rated with, the included seconds.
            meta: {
              contactId: w.record.contactId,
              tariffVersion: w.record.tariffVersion,
              includedSecondsUsed: w.record.includedSecondsUsed,
              ...(w.record.allowanceKey ? { allowanceKey: w.record.allowanceKey } : {}),
            },
            gsi1pk: `ACCT#${tenantId}`,
            gsi1sk: `${at}#${key}`,
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

function parkedOf(c: NormalizedContact, why: ParkReason, number?: string): ParkedContact {
  return {
    contact: c,
    contactId: c.contactId,
    code: why.code,
    reason: why.reason,
    startedAt: c.startedAt,
    lastUpdatedAt: c.lastUpdatedAt,
    ...(c.accessNumber ? { accessNumber: c.accessNumber } : {}),
    ...(number ? { number } : {}),
  };
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
