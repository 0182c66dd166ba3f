/** What a notification to a tenant is about; each kind has its own template and alert rules. */
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
