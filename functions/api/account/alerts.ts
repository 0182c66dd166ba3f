/**
 * PUT /v1/account/alerts — who gets alerts (e-mail, SMS) and the low-balance threshold. SMS numbers must be
 * mainland mobiles as libphonenumber types them (SMS elsewhere is pumping at the platform's cost); checked
 * here, at the edge, so only this function carries libphonenumber's metadata.
 */
import { invalid } from '../../../shared/domain/errors.js';
import { isMainlandMobile } from '../../../shared/geo/mainland-mobile.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { alertsBody } from '../../../shared/http/schemas/money.js';
import { money } from '../../../shared/runtime/money.js';

export const handler = apiHandler('setAlerts', { body: alertsBody }, async ({ body, principal, now }) => {
  const notMobile = (body.phones ?? []).findIndex((phone) => !isMainlandMobile(phone));
  if (notMobile >= 0) {
    throw invalid(
      'invalid_input',
      'a mainland China mobile number in E.164 (+86 1xx xxxx xxxx)',
      `phones.${notMobile}`,
    );
  }
  return { body: await money.setAlerts(requireTenant(principal), body, now) };
});
