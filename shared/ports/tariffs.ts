/** Tariff versions of a plan, and which of them still await their notices. */
import type { TariffVersion } from '../domain/billing/tariffs.js';

export interface StoredTariff extends TariffVersion {
  readonly scheduledBy: string;
  readonly noticeState: 'pending' | 'done';
  readonly notifiedAt?: string;
}

export interface TariffStore {
  /** Stores a new version, pending notice; undefined when the plan already has one for that date. */
  create(version: TariffVersion, scheduledBy: string): Promise<StoredTariff | undefined>;
  list(): Promise<StoredTariff[]>;
  /** Versions not yet copied onto contracts and announced. */
  pending(): Promise<StoredTariff[]>;
  /** The version is applied and announced: it leaves the pending ones. */
  markNotified(version: TariffVersion, at: string, contractsUpdated: number): Promise<void>;
}
