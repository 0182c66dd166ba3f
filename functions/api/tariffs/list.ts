import { apiHandler } from '../../../shared/http/api-handler.js';
import { billing } from '../../../shared/runtime/billing.js';

export const handler = apiHandler('listTariffs', {}, async () => ({
  body: { items: await billing.listTariffs() },
}));
