/**
 * Primary course: new per-minute prices were scheduled → every applied routing snapshot gets its worst
 * rates again from `at` on (the tariff in force then and each one a stored version brings in later), so
 * route-call switches to the new prices at their effective instant however long ago the number was applied.
 * Variation: no new prices → only snapshots with no rate steps (applied before steps were kept, which
 * refuse at the default tariff's rate: STEPLESS_SNAPSHOT_REFUSAL_RATE_PER_MINUTE) are given theirs, the
 * same steps; a snapshot that has steps is not rewritten, nor is one an apply gave steps meanwhile.
 * Variation: a run whose scan left no applied snapshot without steps records that (the backfill, with the
 * snapshot rates' format it checked against); from then on a run without new prices reads that record and
 * scans nothing, since every writer of snapshots writes steps. A record of another format, or none (a
 * routing table restored from before it), and the scan runs again.
 * Variation: a snapshot whose routing was cleared meanwhile (a hand-over) is left as it is.
 */
import type { CompiledRouting } from '../../domain/routing/types.js';
import { rateSteps, type TariffsFrom } from '../../domain/routing/worst-rate.js';
import type { ListedSnapshot, RoutingStore } from '../../ports/routing.js';

export interface RefreshRateStepsDeps {
  readonly routing: Pick<
    RoutingStore,
    'appliedSnapshots' | 'writeSnapshotRates' | 'rateStepsBackfill' | 'saveRateStepsBackfill'
  >;
  /** The tariff in force at an instant, then each one a stored version brings in later. */
  readonly tariffsFrom: (at: Date) => Promise<TariffsFrom>;
}

export interface RateStepsRefresh {
  /** Snapshots whose rate steps were written. */
  readonly snapshots: number;
  /** Of those, snapshots that had none. */
  readonly givenSteps: number;
  /** No scan at all: no new prices, and the backfill's record says no snapshot is left without steps. */
  readonly scanSkipped: boolean;
}

/**
 * What every applied snapshot carries for call setup: non-empty rate steps (lacksSteps). Raise it when that
 * changes, with lacksSteps, so the backfill recorded for the old format no longer counts.
 */
export const SNAPSHOT_RATES_FORMAT = 1;

const lacksSteps = (snapshot: ListedSnapshot) =>
  !Array.isArray(snapshot.rateSteps) || snapshot.rateSteps.length === 0;

export async function refreshRateSteps(
  deps: RefreshRateStepsDeps,
  at: string,
  options: { readonly pricesChanged: boolean },
): Promise<RateStepsRefresh> {
  const onlyLacking = !options.pricesChanged;
  if (onlyLacking && (await deps.routing.rateStepsBackfill())?.format === SNAPSHOT_RATES_FORMAT)
    return { snapshots: 0, givenSteps: 0, scanSkipped: true };
  const tariffs = await deps.tariffsFrom(new Date(at));
  let snapshots = 0;
  let givenSteps = 0;
  /** Snapshots found without steps that this run could not give any (no access number or 400 number). */
  let leftWithout = 0;
  for await (const page of deps.routing.appliedSnapshots({ lackingRateSteps: onlyLacking })) {
    for (const snapshot of page) {
      const { accessNumber } = snapshot;
      const lacking = lacksSteps(snapshot);
      if (!accessNumber || typeof snapshot.number400 !== 'string') {
        if (lacking) leftWithout++;
        continue;
      }
      if (onlyLacking && !lacking) continue;
      const recording = (snapshot.routing as CompiledRouting | undefined)?.recording === true;
      const steps = rateSteps(snapshot.number400, recording, tariffs);
      // Not written: the snapshot has steps by now (an apply) or no routing (a hand-over); either way done.
      const written = await deps.routing.writeSnapshotRates(
        accessNumber,
        { worstRatePerMinute: steps[0].worstRatePerMinute, rateSteps: steps },
        { onlyIfLackingSteps: onlyLacking },
      );
      if (!written) continue;
      snapshots++;
      if (lacking) givenSteps++;
    }
  }
  if (leftWithout === 0) await deps.routing.saveRateStepsBackfill({ format: SNAPSHOT_RATES_FORMAT, at });
  return { snapshots, givenSteps, scanSkipped: false };
}
