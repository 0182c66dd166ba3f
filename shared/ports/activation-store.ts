/**
 * The activation of an approved number, as the activation worker records it: which claim in Connect it is
 * making (stored before any polling, so a retry resumes that claim and never searches for another number),
 * how far it got and how often it tried. One record per number, for its latest approval.
 */
import type { PendingClaim } from './telephony.js';

export type ActivationStatus = 'activating' | 'active' | 'failed';

/** Where an activation stands: sent to the worker, claiming in Connect, binding the flow, done. */
export type ActivationStep = 'queued' | 'claiming' | 'binding' | 'done';

export interface ActivationRecord {
  readonly number: string;
  readonly applicationId: string;
  readonly tenantId: string;
  /** 0 for the approval's activation; +1 each time an operator restarts one that was rolled back. */
  readonly generation: number;
  readonly status: ActivationStatus;
  readonly step: ActivationStep;
  /** Worker tries in this generation (each back-off counts one). */
  readonly tries: number;
  /** The claim in progress, as the telephony port reported it (Connect's PhoneNumberId once known). */
  readonly claim?: PendingClaim;
  readonly accessNumber?: string;
  readonly lastError?: string;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export interface ActivationStore {
  get(number: string): Promise<ActivationRecord | undefined>;
  /**
   * Writes `record` unless the number has an activation of the same application of this generation or a
   * later one; answers the record that stands (this one, or the one already there).
   */
  start(record: ActivationRecord): Promise<ActivationRecord>;
  /** Replaces the record, on condition that it is still of its application and generation; false otherwise. */
  save(record: ActivationRecord): Promise<boolean>;
}
