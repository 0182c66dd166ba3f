/**
 * Alerts refused for good, for the tenant they were meant for and for the operators: what the tenant configured
 * (PUT /v1/account/alerts) but never reached anyone. Two places refuse an alert for good, and both are listed:
 *   - the hand-over (`hand_over`): the notifications port refused the whole alert (`invalid_message`), so the
 *     alert outbox parked it (./outbox.ts);
 *   - the provider (`provider`): the notifier handed it to SES or Aliyun and the provider refused one
 *     recipient for good (an invalid number or address; ./notification-deliveries.ts), one entry a recipient.
 * Both are kept UNDELIVERED_KEPT_DAYS after the refusal, then expire.
 */
import type { NotificationKind } from '../domain/accounts/notification-kind.js';
import type { Channel, TemplateId } from './notifications.js';
import type { Page } from './paging.js';

/** How long an alert refused for good stays listed: the operators' evidence and the tenant's notice. */
export const UNDELIVERED_KEPT_DAYS = 90;

export type RefusalStage = 'hand_over' | 'provider';

export interface UndeliveredAlert {
  readonly tenantId: string;
  readonly kind: NotificationKind;
  readonly template: TemplateId;
  /** The figures the alert carried (threshold, balance, cap…), as the template shows them. */
  readonly params: Readonly<Record<string, string>>;
  readonly stage: RefusalStage;
  /** The recipient the provider refused (`provider`); a refused hand-over reached no channel at all. */
  readonly channel?: Channel;
  readonly recipient?: string;
  /** When it was refused (ISO instant). */
  readonly refusedAt: string;
  /** The refusal's code: the port's (`invalid_message`) or the provider's (isv.MOBILE_NUMBER_ILLEGAL…). */
  readonly code: string;
  /** The port's message, for a refused hand-over (it names a field, never a recipient). */
  readonly message?: string;
}

export interface UndeliveredAlertsPort {
  /** The tenant's alerts refused for good, newest first. */
  forTenant(tenantId: string, limit: number, cursor: string | undefined): Promise<Page<UndeliveredAlert>>;
  /** Every tenant's, newest first (operators). */
  all(limit: number, cursor: string | undefined): Promise<Page<UndeliveredAlert>>;
}
