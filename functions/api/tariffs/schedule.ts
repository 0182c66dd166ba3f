import { apiHandler } from '../../../shared/http/api-handler.js';
import { scheduleTariffBody } from '../../../shared/http/schemas/billing.js';
import { billing } from '../../../shared/runtime/billing.js';

export const handler = apiHandler(
  'scheduleTariff',
  { body: scheduleTariffBody },
  async ({ body, principal, now }) => {
    const { tariff, created } = await billing.scheduleTariff(body, principal.subject, now);
    return { status: created ? 201 : 200, body: tariff };
  },
);
