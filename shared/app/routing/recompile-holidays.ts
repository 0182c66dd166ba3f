/**
 * Primary course: carry a published holiday calendar to routing → load the calendar and its stamp → (once)
 * backfill the snapshots written before stamping existed → for every snapshot indexed under another stamp,
 * re-apply the live configuration of its number with this calendar, which recompiles the snapshot and
 * writes only the changed hours-of-operation overrides to Connect (the normal diff-based apply).
 *
 * Robust by construction rather than by a trigger: nothing remembers "a PUT happened". Each run compares
 * stamps, so it is idempotent (a second run finds nothing stale), resumable (a snapshot is restamped as it
 * is done; a run cut short by its time budget or a failure leaves the rest stale for the next run), and
 * it also picks up bundled years changed by a deploy.
 * Variations: the number changed hands, lost its access number or was never applied → dropped from the
 * index; one number fails → counted and reported, the others go on; out of time → `remaining`.
 */
import type { HolidayCalendarStore, ListedSnapshot, RoutingStore } from '../../ports/routing.js';
import type { TelephonyPort } from '../../ports/telephony.js';
import { type ApplyRoutingDeps, applyRouting } from './apply-routing.js';
import { type LoadedCalendar, loadPublicCalendar } from './public-calendar.js';

export interface RecompileResult {
  /** The calendar stamp snapshots now carry. */
  readonly stamp: string;
  /** Stale snapshots looked at this run. */
  readonly stale: number;
  readonly recompiled: number;
  /** Snapshots of numbers with no applied routing or owner any more: dropped from the index. */
  readonly unindexed: number;
  readonly failed: number;
  /** Connect write calls made (hours updates and override changes). */
  readonly connectWrites: number;
  /** Legacy (unstamped) snapshots re-applied by the backfill this run. */
  readonly backfilled: number;
  /** True when the time budget ran out with work left: the next run carries on. */
  readonly remaining: boolean;
}

export interface RecompileHolidaysDeps {
  readonly routing: RoutingStore;
  readonly calendars: HolidayCalendarStore;
  readonly telephony: TelephonyPort;
  readonly prompts: ApplyRoutingDeps['prompts'];
  /** A re-applied configuration that plays recorded audio checks its prompts (they are unchanged: no write). */
  readonly promptAudio: ApplyRoutingDeps['promptAudio'];
  /** The tariffs in force from an instant on: a re-applied snapshot's rate steps. */
  readonly tariffsFrom: ApplyRoutingDeps['tariffsFrom'];
  /** Told about each number that failed (the next run retries it). */
  readonly onFailure?: (failure: { number: string; accessNumber: string; error: unknown }) => void;
}

export interface RecompileHolidaysRequest {
  readonly at: string;
  /** Stop taking new snapshots once this returns true (the job's time budget). */
  readonly outOfTime?: () => boolean;
}

interface Counters {
  stale: number;
  recompiled: number;
  unindexed: number;
  failed: number;
  connectWrites: number;
  backfilled: number;
}

type Run = {
  deps: RecompileHolidaysDeps;
  request: RecompileHolidaysRequest;
  calendar: LoadedCalendar;
  counters: Counters;
};

/** Re-applies the live configuration of the number behind one snapshot with the run's calendar. */
async function recompileSnapshot(
  run: Run,
  snapshot: ListedSnapshot,
): Promise<'recompiled' | 'unindexed' | 'failed'> {
  const { routing } = run.deps;
  const { accessNumber } = snapshot;
  const number = typeof snapshot.number400 === 'string' ? snapshot.number400 : '';
  try {
    const facts = number ? await routing.numberFacts(number) : undefined;
    const applied = number ? await routing.applied(number) : undefined;
    if (!facts?.tenantId || facts.accessNumber !== accessNumber || applied?.configVersion === undefined) {
      await routing.unindexSnapshot(accessNumber, snapshot.gsi1sk);
      return 'unindexed';
    }
    const result = await applyRouting(run.deps, {
      number,
      tenantId: facts.tenantId,
      at: run.request.at,
      // What is live, not a draft the tenant has stored but not applied.
      configVersion: applied.configVersion,
      calendar: run.calendar,
      forceSnapshot: true,
    });
    run.counters.connectWrites += result.connectWrites;
    if (result.snapshot === 'written') return 'recompiled';
    await routing.unindexSnapshot(accessNumber, snapshot.gsi1sk);
    return 'unindexed';
  } catch (error) {
    run.deps.onFailure?.({ number, accessNumber, error });
    return 'failed';
  }
}

/** One-off: re-applies snapshots written before stamping existed. True when out of time with work left. */
async function backfill(run: Run): Promise<boolean> {
  const { routing } = run.deps;
  const marker = await routing.backfillMarker();
  if (marker.done) return false;
  let cursor = marker.cursor;
  do {
    if (run.request.outOfTime?.()) return true;
    const page = await routing.unstampedSnapshots(cursor);
    for (const item of page.items) {
      const outcome = await recompileSnapshot(run, item);
      if (outcome === 'recompiled') run.counters.backfilled++;
      if (outcome === 'failed') run.counters.failed++;
    }
    cursor = page.cursor;
    await routing.saveBackfillMarker({ done: cursor === undefined, cursor, at: run.request.at });
  } while (cursor);
  return false;
}

export async function recompileHolidays(
  deps: RecompileHolidaysDeps,
  request: RecompileHolidaysRequest,
): Promise<RecompileResult> {
  const calendar = await loadPublicCalendar(deps.calendars);
  const counters: Counters = {
    stale: 0,
    recompiled: 0,
    unindexed: 0,
    failed: 0,
    connectWrites: 0,
    backfilled: 0,
  };
  const run: Run = { deps, request, calendar, counters };
  let remaining = await backfill(run);
  if (!remaining) {
    outer: for await (const page of deps.routing.staleCalendarSnapshots(calendar.stamp)) {
      for (const item of page) {
        if (request.outOfTime?.()) {
          remaining = true;
          break outer;
        }
        counters.stale++;
        counters[await recompileSnapshot(run, item)]++;
      }
    }
  }
  return { stamp: calendar.stamp, ...counters, remaining };
}
