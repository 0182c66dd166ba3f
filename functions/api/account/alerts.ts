/** PUT /v1/account/alerts — who gets alerts (e-mail, SMS) and the low-balance threshold. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { alertsBody } from '../../../shared/http/schemas/money.js';
import { money } from '../../../shared/runtime/money.js';

export const handler = apiHandler('setAlerts', { body: alertsBody }, async ({ body, principal, now }) => ({
  body: await money.setAlerts(requireTenant(principal), body, now),
}));
