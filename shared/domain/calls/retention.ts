/** How long call records are kept: what the deployment keeps, what the tenant asked for, and the law's floor. */

/** Call records are kept this long (days) unless configured otherwise (CALL_RETENTION_DAYS). */
export const DEFAULT_RETENTION_DAYS = 400;
/** Medical records are kept at least 2 years. */
export const MEDICAL_RETENTION_DAYS = 731;

export interface RetentionSettings {
  /** Days the tenant asked for (the account's recordRetentionDays). */
  readonly askedDays?: number;
  readonly industry?: string;
}

export function retentionDays(settings: RetentionSettings, baseDays = DEFAULT_RETENTION_DAYS): number {
  const floor = settings.industry === 'medical' ? MEDICAL_RETENTION_DAYS : 0;
  return Math.max(settings.askedDays ?? 0, baseDays, floor);
}
