/**
 * Included minutes ("allowances"), per number and calendar month in the tariff's zone. A plan says
 * whether its minutes belong to each number (`allowance: 'per_number'`, the default: every number on the
 * plan gets the plan's `includedMinutes` each month) or form one pool the tenant's numbers on that plan
 * share (`allowance: 'pooled'`: the plan's `includedMinutes` is a bundle per tenant and month).
 *
 * The rule that makes charges independent of arrival order and batch split: a bucket's (number or pool,
 * month) minutes go to its calls in CALL-START order (ties by ContactId), each call taking what is left
 * in whole billing increments. The bucket keeps the claims of the calls holding included seconds
 * (start, billed and free seconds); a record that starts before some of them takes its share back from
 * the latest ones, which are re-settled through adjustment entries. Whatever order a set of records
 * arrives in, and however it is split into batches, each call ends with the same free seconds, hence
 * the same charge.
 * A re-settlement owed is kept on the bucket (`pending`: ContactId → the bucket version whose allocation
 * changed the call's free seconds, which keys its adjustment entry) until the call's rewrite and its
 * adjustment are written in the same transaction that removes it from `pending`: however many calls a
 * late record displaces, their re-settlements can be carried out over several transactions, exactly once
 * (see shared/adapters/dynamo/call-ingest.ts).
 * One case stays order-dependent, by design: a newer record that bills FEWER seconds for a call holding
 * included seconds frees them for calls charged afterwards, but calls already charged in full are not
 * re-settled (their claims are not kept, to bound the bucket). Connect emits a contact record once the
 * call has ended, so later records change recordings and attributes, not the billed time.
 */
export type AllowanceScope = 'number' | 'pool';

/** One call's hold on a bucket. */
export interface AllowanceClaim {
  readonly startMs: number;
  readonly billedSeconds: number;
  /** Seconds of the call inside the allowance (whole increments, ≤ billedSeconds). */
  readonly freeSeconds: number;
  readonly incrementSeconds: number;
}

export interface AllowanceBucket {
  /** `<YYYY-MM>#number#<400 number>` or `<YYYY-MM>#pool#<plan>`. */
  readonly key: string;
  readonly month: string;
  readonly scope: AllowanceScope;
  readonly includedSeconds: number;
  /** ContactId → claim, only calls holding included seconds. */
  readonly claims: Readonly<Record<string, AllowanceClaim>>;
  /**
   * Re-settlements owed: ContactId → the bucket version whose allocation changed the call's free seconds
   * (the key of its adjustment). The call's free seconds are now its claim's (0 when it has none).
   */
  readonly pending?: Readonly<Record<string, number>>;
  /** 0 for a bucket never written. */
  readonly version: number;
}

export function allowanceKey(month: string, scope: AllowanceScope, number: string, plan: string): string {
  return scope === 'pool' ? `${month}#pool#${plan}` : `${month}#number#${number}`;
}

export function emptyBucket(
  key: string,
  month: string,
  scope: AllowanceScope,
  includedSeconds: number,
): AllowanceBucket {
  return { key, month, scope, includedSeconds, claims: {}, version: 0 };
}

/** A call's demand on its bucket: its start and billed seconds (0 for a missed call). */
export interface AllowanceDemand {
  readonly contactId: string;
  readonly startMs: number;
  readonly billedSeconds: number;
  readonly incrementSeconds: number;
}

export interface Allocation {
  readonly bucket: AllowanceBucket;
  /** Free seconds of every claimant and every demand (0 when none). */
  readonly free: ReadonlyMap<string, number>;
  /** Claimants not among the demands whose free seconds changed: their calls must be re-settled. */
  readonly resettle: readonly string[];
  readonly changed: boolean;
}

const byStart = (a: [string, AllowanceClaim], b: [string, AllowanceClaim]) =>
  a[1].startMs - b[1].startMs || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The bucket after the demands, allocated again from the start of the month. */
export function allocateAllowance(bucket: AllowanceBucket, demands: readonly AllowanceDemand[]): Allocation {
  const candidates = new Map<string, AllowanceClaim>(Object.entries(bucket.claims));
  for (const d of demands)
    candidates.set(d.contactId, {
      startMs: d.startMs,
      billedSeconds: d.billedSeconds,
      freeSeconds: 0,
      incrementSeconds: d.incrementSeconds,
    });
  let left = bucket.includedSeconds;
  const claims: Record<string, AllowanceClaim> = {};
  const free = new Map<string, number>();
  for (const [contactId, c] of [...candidates].sort(byStart)) {
    const increment = Math.max(1, c.incrementSeconds);
    const take = Math.min(c.billedSeconds - (c.billedSeconds % increment), left - (left % increment));
    const freeSeconds = Math.max(0, take);
    left -= freeSeconds;
    free.set(contactId, freeSeconds);
    if (freeSeconds > 0) claims[contactId] = { ...c, freeSeconds };
  }
  const demanded = new Set(demands.map((d) => d.contactId));
  const resettle: string[] = [];
  for (const [contactId, c] of Object.entries(bucket.claims))
    if (!demanded.has(contactId) && (free.get(contactId) ?? 0) !== c.freeSeconds) resettle.push(contactId);
  const changed =
    Object.keys(claims).length !== Object.keys(bucket.claims).length ||
    Object.entries(claims).some(([id, c]) => {
      const was = bucket.claims[id];
      return (
        !was ||
        was.freeSeconds !== c.freeSeconds ||
        was.billedSeconds !== c.billedSeconds ||
        was.startMs !== c.startMs
      );
    });
  const version = bucket.version + 1;
  // Calls re-settled since an earlier allocation keep that allocation's version (their adjustment's key).
  const pending = { ...bucket.pending, ...Object.fromEntries(resettle.map((id) => [id, version])) };
  return {
    bucket: changed ? { ...bucket, claims, pending, version } : bucket,
    free,
    resettle,
    changed,
  };
}

/** The free seconds a call holds in the bucket now (its claim's; 0 when it holds none). */
export function freeSecondsOf(bucket: AllowanceBucket, contactId: string): number {
  return bucket.claims[contactId]?.freeSeconds ?? 0;
}

/** The bucket once these calls' re-settlements are written (a new version: every write is conditioned). */
export function settled(bucket: AllowanceBucket, contactIds: readonly string[]): AllowanceBucket {
  const done = new Set(contactIds);
  const pending = Object.fromEntries(Object.entries(bucket.pending ?? {}).filter(([id]) => !done.has(id)));
  return { ...bucket, pending, version: bucket.version + 1 };
}
