/**
 * A routing apply as a job (POST …/routing/apply answers 202 with it; GET …/routing shows it as `applyJob`):
 * which configuration version it applies, how far it got (the plan's steps done, in order) and how it ended.
 * One per number, the latest request; a newer request replaces it and its worker's messages become stale.
 */
export type ApplyJobStatus = 'pending' | 'applying' | 'applied' | 'failed';

export interface ApplyJob {
  readonly number: string;
  readonly tenantId: string;
  readonly jobId: string;
  readonly configVersion: number;
  readonly status: ApplyJobStatus;
  /** Plan steps (resource keys: hours, queue:<id>, profile:<group>, flow) done, in plan order. */
  readonly stepsDone: readonly string[];
  /** The step the apply is at (the next one not yet done), while applying. */
  readonly step?: string;
  /** Steps in the plan, once known. */
  readonly steps?: number;
  /** Tries that failed (Connect unavailable, a crash), throttled ones apart. */
  readonly tries: number;
  /** Times Connect throttled the apply and it was re-queued with a delay. */
  readonly throttled: number;
  readonly lastError?: string;
  /** Why a failed job failed, as a client may read it (a validation or conflict code). */
  readonly error?: { readonly code: string; readonly message: string; readonly field?: string };
  /** The outcome of an applied job. */
  readonly result?: {
    readonly changes: readonly { readonly key: string; readonly kind: string; readonly change: string }[];
    readonly unchanged: readonly string[];
    readonly snapshot: string;
    readonly connectWrites: number;
  };
  readonly requestedAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
}

export interface RoutingApplyJobStore {
  get(number: string): Promise<ApplyJob | undefined>;
  /** Writes a new job, replacing whatever job the number had. */
  start(job: ApplyJob): Promise<void>;
  /** Replaces the job, on condition that it is still this job (same jobId); false otherwise. */
  save(job: ApplyJob): Promise<boolean>;
}
