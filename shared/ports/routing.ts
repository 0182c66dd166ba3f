/**
 * What the routing use cases (shared/app/routing/) need from storage: the routing store (configs, applied
 * Connect state, snapshots, and the number and account facts routing reads), the published holiday
 * calendar, the per-call reads of the routing Lambda, and the caller-region lookup. DynamoDB implements
 * them in shared/adapters/dynamo/; the implementations hold keys and expressions, no business rule.
 */
import type { CalendarYearContent } from '../domain/routing/holiday-calendar.js';
import type {
  AccountStatus,
  CompiledRouting,
  RateStep,
  RegionLookup,
  RoutingConfig,
  RoutingSnapshot,
} from '../domain/routing/types.js';

/** The number item's facts routing needs (owned by the numbers capability). */
export interface NumberFacts {
  readonly number: string;
  readonly tenantId?: string;
  readonly status: string;
  readonly segment?: string;
  readonly accessNumber?: string;
  readonly phoneNumberId?: string;
  readonly restrictions?: {
    readonly noMultiLevelTransfer?: boolean;
    readonly recordingAnnouncementRequired?: boolean;
  };
}

export interface StoredConfig {
  readonly number: string;
  readonly tenantId: string;
  readonly version: number;
  readonly config: RoutingConfig;
  readonly updatedAt: string;
}

export interface AppliedResource {
  readonly hash: string;
  readonly id: string;
  readonly arn: string;
  readonly kind: string;
  /**
   * No longer configured: kept (Connect resources are never deleted) so the next resource of its kind
   * the number configures takes it over instead of creating one more.
   */
  readonly retired?: boolean;
}

export interface AppliedState {
  readonly resources: Readonly<Record<string, AppliedResource>>;
  readonly configVersion?: number;
  readonly snapshotHash?: string;
  readonly appliedAt?: string;
}

/** A routing snapshot as stored (routing fields, number fields, calendar stamp and index key). */
export type StoredSnapshot = Readonly<Record<string, unknown>>;
/** A snapshot met in a scan, with the access number its key names. */
export type ListedSnapshot = StoredSnapshot & { readonly accessNumber: string };

/** The routing fields of a snapshot, written by apply. */
export interface SnapshotRouting {
  readonly routing: CompiledRouting;
  readonly routingVersion: number;
  readonly worstRatePerMinute: number;
  /** The worst rates from the apply on, one step per tariff in force (shared/domain/routing/worst-rate.ts). */
  readonly rateSteps: readonly RateStep[];
  /** The tenant whose configuration this is: calls never use it once the number has another owner. */
  readonly tenantId: string;
  /** The public calendar it was compiled with, when the config uses it (indexed for recompiles). */
  readonly calendarStamp?: string;
}

export interface RoutingStore {
  numberFacts(number: string): Promise<NumberFacts | undefined>;
  /** The head (current version) or one stored version. */
  config(number: string, version?: number): Promise<StoredConfig | undefined>;
  /**
   * Writes `stored` as the new head and its version row in one transaction, on condition that the head
   * is still at `previousVersion` (0: none). False when another write got there first.
   */
  putConfig(stored: StoredConfig, previousVersion: number): Promise<boolean>;
  applied(number: string): Promise<AppliedState>;
  /** Records (or, undefined, forgets) one resource as applied. */
  saveAppliedResource(number: string, key: string, resource: AppliedResource | undefined): Promise<void>;
  markApplied(number: string, configVersion: number, snapshotHash: string, at: string): Promise<void>;
  /** Writes the routing fields; the number fields are set only when numbers has not written them. */
  writeSnapshotRouting(accessNumber: string, facts: NumberFacts, routing: SnapshotRouting): Promise<void>;
  snapshot(accessNumber: string): Promise<StoredSnapshot | undefined>;
  account(tenantId: string): Promise<AccountStatus | undefined>;

  /** Pages of snapshots indexed under a calendar stamp other than `stamp`. */
  staleCalendarSnapshots(stamp: string): AsyncIterable<readonly ListedSnapshot[]>;
  /** Drops a snapshot from the calendar index, unless it was re-indexed (as something else) meanwhile. */
  unindexSnapshot(accessNumber: string, indexedAs: unknown): Promise<void>;
  /** The one-off backfill's marker: done, or where its scan stopped. */
  backfillMarker(): Promise<{ readonly done: boolean; readonly cursor?: unknown }>;
  saveBackfillMarker(marker: {
    readonly done: boolean;
    readonly cursor?: unknown;
    readonly at: string;
  }): Promise<void>;
  /** The rate-steps backfill's record (refreshRateSteps), when one was saved. */
  rateStepsBackfill(): Promise<RateStepsBackfill | undefined>;
  saveRateStepsBackfill(record: RateStepsBackfill): Promise<void>;
  /**
   * Every snapshot that carries routing (an applied configuration), a page at a time (a scan of the
   * routing table); with `lackingRateSteps`, only those whose rate steps are missing or empty.
   */
  appliedSnapshots(filter?: {
    readonly lackingRateSteps?: boolean;
  }): AsyncIterable<readonly ListedSnapshot[]>;
  /**
   * Sets a snapshot's worst rates, unless its routing was cleared meanwhile (a hand-over) or, with
   * `onlyIfLackingSteps`, it has rate steps by now (an apply wrote its own). True when written.
   */
  writeSnapshotRates(
    accessNumber: string,
    rates: { readonly worstRatePerMinute: number; readonly rateSteps: readonly RateStep[] },
    condition?: { readonly onlyIfLackingSteps?: boolean },
  ): Promise<boolean>;
  /** One page of snapshots written before stamping existed (routing, no calendar stamp). */
  unstampedSnapshots(
    cursor: unknown,
  ): Promise<{ readonly items: readonly ListedSnapshot[]; readonly cursor?: unknown }>;
}

/**
 * A run of the rate-steps backfill left no applied snapshot without steps in `format` (the snapshot rates'
 * format it checked against), at `at`. Kept beside the snapshots, so a table restored from before it has none.
 */
export interface RateStepsBackfill {
  readonly format: number;
  readonly at: string;
}

export interface StoredCalendarYear extends CalendarYearContent {
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface HolidayCalendarStore {
  year(year: number): Promise<StoredCalendarYear | undefined>;
  /** Every published year (order not guaranteed). */
  years(): Promise<StoredCalendarYear[]>;
  /**
   * Writes `stored` as the year's head and its history row in one transaction, on condition that the head
   * is still at `previousVersion` (0: none). False when another write got there first.
   */
  putYear(stored: StoredCalendarYear, previousVersion: number): Promise<boolean>;
}

/** What the routing Lambda read for one call (the reader caches in the warm Lambda). */
export interface CallRead {
  readonly snapshot: RoutingSnapshot | undefined;
  readonly account: AccountStatus | undefined;
  /** Database requests made for this read. */
  readonly requests: number;
  /** The deadline passed before the database answered. */
  readonly timedOut: boolean;
  /** The read failed (deadline, throttling, 5xx, dropped connection); cached values, if any, were served. */
  readonly failed: boolean;
  /** Values served from expired cache entries because the database did not answer in time. */
  readonly stale: boolean;
}

export interface CallReads {
  read(accessNumber: string): Promise<CallRead>;
}

/** The caller-region lookup; undefined when the geo index is missing (region rules then fall back). */
export type CallerRegions = () => Promise<RegionLookup | undefined>;

/** One walk of the generic contact flow, block by block, as Connect would run it (no phone needed). */
export interface FlowWalkRequest {
  readonly keys?: readonly string[];
  /** Whether an answer number picks up. */
  readonly answers: (destination: string) => boolean;
  readonly queueAccepts: boolean;
  /** The routing Lambda's answer at each step the flow asks it. */
  readonly routeCall: (params: Record<string, string>) => Promise<Record<string, string>>;
  /** The arm-call-limit Lambda's answer before a transfer or queue. */
  readonly armCallLimit: (params: Record<string, string>) => Promise<Record<string, string>>;
}

/** Walks the deployed flow (its JSON and walker live in shared/connect); `W` is the walk's report. */
export interface ContactFlowSimulator<W> {
  walk(request: FlowWalkRequest): Promise<W>;
}
