/**
 * Primary course: new per-minute prices were scheduled → every applied routing snapshot gets its worst
 * rates again from `at` on (the tariff in force then and each one a stored version brings in later), so
 * route-call switches to the new prices at their effective instant however long ago the number was applied.
 * Variation: no new prices → only snapshots with no rate steps (applied before steps were kept, which
 * refuse at the default tariff's rate: STEPLESS_SNAPSHOT_REFUSAL_RATE_PER_MINUTE) are given theirs, the
 * same steps; a snapshot that has steps is not rewritten, nor is one an apply gave steps meanwhile.
 * Variation: a snapshot whose routing was cleared meanwhile (a hand-over) is left as it is.
 */
import type { CompiledRouting } from '../../domain/routing/types.js';
import { rateSteps, type TariffsFrom } from '../../domain/routing/worst-rate.js';
import type { ListedSnapshot, RoutingStore } from '../../ports/routing.js';

export interface RefreshRateStepsDeps {
  readonly routing: Pick<RoutingStore, 'appliedSnapshots' | 'writeSnapshotRates'>;
  /** The tariff in force at an instant, then each one a stored version brings in later. */
  readonly tariffsFrom: (at: Date) => Promise<TariffsFrom>;
}

export interface RateStepsRefresh {
  /** Snapshots whose rate steps were written. */
  readonly snapshots: number;
  /** Of those, snapshots that had none. */
  readonly givenSteps: number;
}

const lacksSteps = (snapshot: ListedSnapshot) =>
  !Array.isArray(snapshot.rateSteps) || snapshot.rateSteps.length === 0;

export async function refreshRateSteps(
  deps: RefreshRateStepsDeps,
  at: string,
  options: { readonly pricesChanged: boolean },
): Promise<RateStepsRefresh> {
  const onlyLacking = !options.pricesChanged;
  const tariffs = await deps.tariffsFrom(new Date(at));
  let snapshots = 0;
  let givenSteps = 0;
  for await (const page of deps.routing.appliedSnapshots({ lackingRateSteps: onlyLacking })) {
    for (const snapshot of page) {
      const { accessNumber } = snapshot;
      if (!accessNumber || typeof snapshot.number400 !== 'string') continue;
      const lacking = lacksSteps(snapshot);
      if (onlyLacking && !lacking) continue;
      const recording = (snapshot.routing as CompiledRouting | undefined)?.recording === true;
      const steps = rateSteps(snapshot.number400, recording, tariffs);
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
  return { snapshots, givenSteps };
}
