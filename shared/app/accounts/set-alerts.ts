/**
 * Primary course: the tenant sets who gets alerts (e-mails, phones) and the low-balance threshold.
 * Variation: a new threshold re-arms the low-balance alert.
 */
import type { AccountView } from './account-view.js';
import { changeAccountSettings, type SettingsDeps } from './change-settings.js';

export interface AlertSettingsChange {
  readonly emails?: readonly string[];
  readonly phones?: readonly string[];
  readonly lowBalanceThreshold?: number;
}

export function setAlerts(
  deps: SettingsDeps,
  tenantId: string,
  change: AlertSettingsChange,
  now: Date,
): Promise<AccountView> {
  return changeAccountSettings(deps, tenantId, now, (a) => ({
    ...a,
    alertEmails: change.emails ?? a.alertEmails,
    alertPhones: change.phones ?? a.alertPhones,
    lowBalanceThreshold: change.lowBalanceThreshold ?? a.lowBalanceThreshold,
    lowBalanceAlerted: change.lowBalanceThreshold === undefined ? a.lowBalanceAlerted : false,
  }));
}
