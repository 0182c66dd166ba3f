/**
 * How an alert refused for good reads in the API, to its tenant and to the operators: what it was about, where
 * it was refused (the whole alert at the hand-over, or one recipient at the provider) and why.
 */
import type { Channel } from '../../ports/notifications.js';
import type { RefusalStage, UndeliveredAlert } from '../../ports/undelivered-alerts.js';

export interface UndeliveredAlertView {
  readonly kind: UndeliveredAlert['kind'];
  readonly template: UndeliveredAlert['template'];
  /** The figures the alert carried (threshold, balance, cap…). */
  readonly figures: Readonly<Record<string, string>>;
  readonly stage: RefusalStage;
  /** The recipient refused; null when the whole alert was refused before any channel. */
  readonly channel: Channel | null;
  readonly recipient: string | null;
  readonly refusedAt: string;
  readonly code: string;
  readonly reason: string;
}

/** What the tenant can do about a recipient the provider refused: it is never tried again. */
const PROVIDER_REASON: Readonly<Record<Channel, string>> = {
  sms: 'the SMS provider refused this number for good (invalid or unreachable); change the alert phones',
  email: 'the e-mail provider refused this address for good (invalid or rejected); change the alert e-mails',
};

export function undeliveredAlertView(alert: UndeliveredAlert): UndeliveredAlertView {
  return {
    kind: alert.kind,
    template: alert.template,
    figures: alert.params,
    stage: alert.stage,
    channel: alert.channel ?? null,
    recipient: alert.recipient ?? null,
    refusedAt: alert.refusedAt,
    code: alert.code,
    reason:
      alert.channel !== undefined
        ? PROVIDER_REASON[alert.channel]
        : (alert.message ?? 'the alert was refused for good before it was sent'),
  };
}
