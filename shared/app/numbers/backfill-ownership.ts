/**
 * Primary course: a one-off job gives every number that came into service before ownership periods were
 * kept the periods its history (or contract) says (shared/domain/numbers/ownership-backfill.ts), so the
 * calls of those tenures are charged to their holder instead of parked, and late records never bill the
 * next holder. Variations: a number whose periods are complete, or that nobody held, is left as it is
 * (running the job again changes nothing); a number that moves while it is rebuilt is read and rebuilt
 * again; one that fails is counted and the job goes on (run it again).
 */

import type { NumberRecord } from '../../domain/numbers/number.js';
import { backfilledOwnership } from '../../domain/numbers/ownership-backfill.js';
import type { OwnershipBackfillStore } from '../../ports/ownership-backfill.js';

export interface OwnershipBackfillResult {
  readonly scanned: number;
  readonly written: number;
  readonly unchanged: number;
  readonly failed: number;
}

const ATTEMPTS = 4;

export async function backfillOwnership(
  deps: {
    readonly store: OwnershipBackfillStore;
    readonly warn: (message: string, details: Record<string, unknown>) => void;
  },
  at: string,
): Promise<OwnershipBackfillResult> {
  const counts = { scanned: 0, written: 0, unchanged: 0, failed: 0 };
  const one = async (first: NumberRecord): Promise<'written' | 'unchanged' | 'failed'> => {
    let number: NumberRecord | undefined = first;
    for (let attempt = 0; attempt < ATTEMPTS && number; attempt++) {
      const history = await deps.store.history(number.number);
      const contract = number.contractId
        ? await deps.store.contract(number.number, number.contractId)
        : undefined;
      const owners = backfilledOwnership(number, history, contract);
      if (!owners) return 'unchanged';
      if (await deps.store.writeOwners(number, owners, at)) return 'written';
      number = await deps.store.get(number.number);
    }
    return number ? 'failed' : 'unchanged';
  };
  for await (const page of deps.store.numbers()) {
    for (const number of page) {
      counts.scanned++;
      try {
        counts[await one(number)]++;
      } catch (error) {
        counts.failed++;
        deps.warn('ownership backfill failed for a number', { number: number.number, error });
      }
    }
  }
  return counts;
}
