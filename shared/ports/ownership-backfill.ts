/** What the one-off ownership backfill reads and writes (shared/app/numbers/backfill-ownership.ts). */
import type { ContractRecord } from '../domain/numbers/application.js';
import type { HistoryEntry, NumberRecord } from '../domain/numbers/number.js';
import type { OwnershipPeriod } from '../domain/numbers/ownership.js';

export interface OwnershipBackfillStore {
  /** Every number of the inventory, a page at a time. */
  numbers(): AsyncIterable<readonly NumberRecord[]>;
  get(number: string): Promise<NumberRecord | undefined>;
  /** The number's history, oldest first. */
  history(number: string): Promise<HistoryEntry[]>;
  contract(number: string, contractId: string): Promise<ContractRecord | undefined>;
  /**
   * Writes the periods if the number is still at its version (which counts the change, so a transition decided
   * on the older item fails and decides again); false when it moved meanwhile.
   */
  writeOwners(number: NumberRecord, owners: readonly OwnershipPeriod[], at: string): Promise<boolean>;
}
