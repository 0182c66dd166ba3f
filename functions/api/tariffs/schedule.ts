import { scheduleTariff } from '../../../shared/adapters/dynamo/billing-tariffs.js';
import { DEFAULT_TIME_ZONE, optionalEnv } from '../../../shared/config.js';
import { validateTariffVersion } from '../../../shared/domain/billing/tariffs.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { scheduleTariffBody } from '../../../shared/http/schemas/billing.js';

export const handler = apiHandler(
  'scheduleTariff',
  { body: scheduleTariffBody },
  async ({ body, principal, now }) => {
    const version = { ...body, description: body.description ?? '', scheduledAt: now.toISOString() };
    validateTariffVersion(version, optionalEnv('HOTLINE_TIME_ZONE', DEFAULT_TIME_ZONE));
    const { tariff, created } = await scheduleTariff(version, principal.subject);
    return { status: created ? 201 : 200, body: tariff };
  },
);
