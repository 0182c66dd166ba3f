/** PUT /v1/account/alerts — who gets alerts (e-mail, SMS) and the low-balance threshold. */
import { accountView, updateAccountSettings } from '../../../shared/adapters/dynamo/account-settings.js';
import { businessZone } from '../../../shared/adapters/dynamo/ledger-store.js';
import { localDay } from '../../../shared/domain/zoned-time.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { alertsBody } from '../../../shared/http/schemas/money.js';

export const handler = apiHandler('setAlerts', { body: alertsBody }, async ({ body, principal, now }) => {
  const account = await updateAccountSettings(requireTenant(principal), now, (a) => ({
    ...a,
    alertEmails: body.emails ?? a.alertEmails,
    alertPhones: body.phones ?? a.alertPhones,
    lowBalanceThreshold: body.lowBalanceThreshold ?? a.lowBalanceThreshold,
    // A new threshold re-arms the low-balance alert.
    lowBalanceAlerted: body.lowBalanceThreshold === undefined ? a.lowBalanceAlerted : false,
  }));
  return { body: accountView(account, localDay(businessZone(), now.getTime())) };
});
