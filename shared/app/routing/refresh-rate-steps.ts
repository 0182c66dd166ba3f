/**
 * Primary course: new per-minute prices were scheduled → every applied routing snapshot gets its worst
 * rates again from `at` on (the tariff in force then and each one a stored version brings in later), so
 * route-call switches to the new prices at their effective instant however long ago the number was applied.
 * Variation: a snapshot whose routing was cleared meanwhile (a hand-over) is left as it is.
 */
import type { CompiledRouting } from '../../domain/routing/types.js';
import { rateSteps, type TariffsFrom } from '../../domain/routing/worst-rate.js';
import type { RoutingStore } from '../../ports/routing.js';

export interface RefreshRateStepsDeps {
  readonly routing: Pick<RoutingStore, 'appliedSnapshots' | 'writeSnapshotRates'>;
  /** The tariff in force at an instant, then each one a stored version brings in later. */
  readonly tariffsFrom: (at: Date) => Promise<TariffsFrom>;
}

export async function refreshRateSteps(
  deps: RefreshRateStepsDeps,
  at: string,
): Promise<{ readonly snapshots: number }> {
  const tariffs = await deps.tariffsFrom(new Date(at));
  let snapshots = 0;
  for await (const page of deps.routing.appliedSnapshots()) {
    for (const snapshot of page) {
      const { accessNumber } = snapshot;
      if (!accessNumber || typeof snapshot.number400 !== 'string') continue;
      const recording = (snapshot.routing as CompiledRouting | undefined)?.recording === true;
      const steps = rateSteps(snapshot.number400, recording, tariffs);
      const first = steps[0];
      if (!first) continue;
      await deps.routing.writeSnapshotRates(accessNumber, {
        worstRatePerMinute: first.worstRatePerMinute,
        rateSteps: steps,
      });
      snapshots++;
    }
  }
  return { snapshots };
}
