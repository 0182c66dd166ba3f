/**
 * SNS behind a port: alerts (email/SMS subscriptions per tenant) and direct SMS. The SNS adapter publishes;
 * the local adapter appends to an outbox shown at GET /local/outbox.
 */
export type NotificationKind =
  | 'low_balance'
  | 'spend_cap_reached'
  | 'arrears'
  | 'service_restored'
  | 'application_decided'
  | 'number_lifecycle'
  | 'contract_notice'
  | 'tariff_notice'
  | 'statement_ready';

export interface Notification {
  readonly tenantId: string;
  readonly kind: NotificationKind;
  readonly subject: string;
  readonly text: string;
  /** Stable per crossing or event: a retried publish with the same key is delivered once downstream. */
  readonly dedupeKey: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface NotificationsPort {
  publish(notification: Notification): Promise<{ messageId: string }>;
}
