/**
 * Primary course: the tenant sets its daily spend cap (or clears it with null); routing refuses calls once
 * today's spend reaches it. Reaching it by this change alerts at once.
 */
import type { AccountView } from './account-view.js';
import { changeAccountSettings, type SettingsDeps } from './change-settings.js';

export function setSpendCap(
  deps: SettingsDeps,
  tenantId: string,
  dailyCap: number | null,
  now: Date,
): Promise<AccountView> {
  return changeAccountSettings(deps, tenantId, now, (a) => ({ ...a, dailyCap: dailyCap ?? undefined }));
}
