/**
 * The routing Lambda's only database access: the routing snapshot (routing ACCESS#<accessNumber>/SNAPSHOT)
 * and the tenant's account (ledger ACCT#<tenantId>/ACCOUNT), cached briefly in the warm Lambda.
 * - both cold: one BatchGetItem when the tenant is known from an expired entry, else GetItem + GetItem;
 * - one expired: one GetItem; both fresh: no request.
 * Every request runs under a deadline; when it passes or a request fails (throttling, 5xx, a dropped
 * connection: no retries, the next call tries again), expired cache entries are used as they are (stale
 * beats silence on a phone line) and otherwise the caller gets `failed` and answers the fallback.
 */
import type { AccountStatus, RoutingSnapshot } from '../../domain/routing/types.js';
import type { CallRead, CallReads } from '../../ports/routing.js';
import type { BatchGetRequest, ItemReads } from './routing-call-reads.js';

export interface CallReaderOptions {
  /** The two reads (./routing-call-reads.ts: signed requests without the SDK client). */
  readonly reads: ItemReads;
  readonly routingTable: () => string;
  readonly ledgerTable: () => string;
  /** How long a snapshot is trusted (config changes reach calls within this). */
  readonly snapshotTtlMs?: number;
  /** How long an account is trusted (cap overshoot is bounded by calls started in this window). */
  readonly accountTtlMs?: number;
  readonly deadlineMs?: number;
  /** Milliseconds on a monotonic clock, for cache ages (default performance.now: elapsed time only). */
  readonly elapsed?: () => number;
}

interface Entry<T> {
  value: T | undefined;
  at: number;
}

const SNAPSHOT_SK = 'SNAPSHOT';
const ACCOUNT_SK = 'ACCOUNT';
const MAX_ENTRIES = 10_000;

/**
 * A tenant's account as call setup sees it. No item is an account never written: nothing paid in yet (as
 * the ledger and /v1/account read it), so nothing pays a minute; undefined is kept for a read that failed.
 */
function toAccount(item: Record<string, unknown> | undefined): AccountStatus {
  if (!item) return { balance: 0, spendToday: 0, status: 'active' };
  return {
    balance: Number(item.balance ?? 0),
    spendDay: typeof item.spendDay === 'string' ? item.spendDay : undefined,
    spendToday: Number(item.spendToday ?? 0),
    dailyCap: item.dailyCap === undefined || item.dailyCap === null ? undefined : Number(item.dailyCap),
    status: String(item.status ?? 'active'),
  };
}

function toSnapshot(item: Record<string, unknown> | undefined): RoutingSnapshot | undefined {
  if (!item || typeof item.tenantId !== 'string') return undefined;
  return item as unknown as RoutingSnapshot;
}

class DeadlineExceeded extends Error {}

export class CallReader implements CallReads {
  private readonly snapshots = new Map<string, Entry<RoutingSnapshot>>();
  private readonly accounts = new Map<string, Entry<AccountStatus>>();
  private readonly snapshotTtl: number;
  private readonly accountTtl: number;
  private readonly deadline: number;
  private readonly elapsed: () => number;
  /** Requests made since start (benchmarks report reads per call). */
  requestCount = 0;

  constructor(private readonly options: CallReaderOptions) {
    this.snapshotTtl = options.snapshotTtlMs ?? 30_000;
    this.accountTtl = options.accountTtlMs ?? 5_000;
    this.deadline = options.deadlineMs ?? 1_500;
    this.elapsed = options.elapsed ?? (() => performance.now());
  }

  clear(): void {
    this.snapshots.clear();
    this.accounts.clear();
  }

  async read(accessNumber: string): Promise<CallRead> {
    const now = this.elapsed();
    const snapEntry = this.snapshots.get(accessNumber);
    const snapFresh = snapEntry !== undefined && now - snapEntry.at < this.snapshotTtl;
    const knownTenant = snapEntry?.value?.tenantId;
    const acctEntry = knownTenant ? this.accounts.get(knownTenant) : undefined;
    const acctFresh = acctEntry !== undefined && now - acctEntry.at < this.accountTtl;
    if (snapFresh && (acctFresh || !knownTenant)) {
      return {
        snapshot: snapEntry.value,
        account: acctEntry?.value,
        requests: 0,
        timedOut: false,
        failed: false,
        stale: false,
      };
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DeadlineExceeded('deadline')), this.deadline);
    let requests = 0;
    try {
      let snapshot = snapEntry?.value;
      let account = acctEntry?.value;
      if (snapFresh && knownTenant) {
        requests++;
        account = await this.getAccount(knownTenant, controller.signal);
      } else if (knownTenant) {
        // Expired snapshot of a known tenant: both in one BatchGetItem.
        requests++;
        const both = await this.getBoth(accessNumber, knownTenant, controller.signal);
        snapshot = both.snapshot;
        account = both.account;
        this.remember(this.snapshots, accessNumber, snapshot, now);
        if (snapshot && snapshot.tenantId !== knownTenant) {
          // The number changed hands since we cached it: the account read was the old tenant's.
          requests++;
          account = await this.getAccount(snapshot.tenantId, controller.signal);
        }
      } else {
        requests++;
        snapshot = await this.getSnapshot(accessNumber, controller.signal);
        this.remember(this.snapshots, accessNumber, snapshot, now);
        if (snapshot) {
          requests++;
          account = await this.getAccount(snapshot.tenantId, controller.signal);
        }
      }
      if (snapshot) this.remember(this.accounts, snapshot.tenantId, account, now);
      return { snapshot, account, requests, timedOut: false, failed: false, stale: false };
    } catch (error) {
      // Deadline passed or the database failed: serve what we had, however old.
      const snapshot = this.snapshots.get(accessNumber)?.value;
      const account = snapshot ? this.accounts.get(snapshot.tenantId)?.value : undefined;
      return {
        snapshot,
        account,
        requests,
        timedOut: error instanceof DeadlineExceeded || controller.signal.aborted,
        failed: true,
        stale: snapshot !== undefined,
      };
    } finally {
      clearTimeout(timer);
      this.requestCount += requests;
    }
  }

  private remember<T>(map: Map<string, Entry<T>>, key: string, value: T | undefined, at: number): void {
    if (map.size >= MAX_ENTRIES && !map.has(key)) map.clear();
    map.set(key, { value, at });
  }

  private async getSnapshot(
    accessNumber: string,
    abortSignal: AbortSignal,
  ): Promise<RoutingSnapshot | undefined> {
    const item = await this.options.reads.get(
      this.options.routingTable(),
      { pk: `ACCESS#${accessNumber}`, sk: SNAPSHOT_SK },
      abortSignal,
    );
    return toSnapshot(item);
  }

  private async getAccount(tenantId: string, abortSignal: AbortSignal): Promise<AccountStatus> {
    const item = await this.options.reads.get(
      this.options.ledgerTable(),
      { pk: `ACCT#${tenantId}`, sk: ACCOUNT_SK },
      abortSignal,
    );
    return toAccount(item);
  }

  private async getBoth(accessNumber: string, tenantId: string, abortSignal: AbortSignal) {
    const routing = this.options.routingTable();
    const ledger = this.options.ledgerTable();
    let request: BatchGetRequest = {
      [routing]: { Keys: [{ pk: `ACCESS#${accessNumber}`, sk: SNAPSHOT_SK }] },
      [ledger]: { Keys: [{ pk: `ACCT#${tenantId}`, sk: ACCOUNT_SK }] },
    };
    let snapshot: RoutingSnapshot | undefined;
    let account: AccountStatus | undefined;
    // Unprocessed keys are rare for two items; retry them in the same deadline.
    for (let attempt = 0; attempt < 3 && Object.keys(request).length > 0; attempt++) {
      const out = await this.options.reads.batchGet(request, abortSignal);
      for (const item of out.responses[routing] ?? []) snapshot = toSnapshot(item);
      for (const item of out.responses[ledger] ?? []) account = toAccount(item);
      request = out.unprocessed;
    }
    // Read and not there (its key was not left unprocessed): an account never written.
    if (account === undefined && !request[ledger]) account = toAccount(undefined);
    return { snapshot, account };
  }
}
