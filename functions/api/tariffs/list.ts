import { listTariffs } from '../../../shared/adapters/dynamo/billing-tariffs.js';
import { apiHandler } from '../../../shared/http/api-handler.js';

export const handler = apiHandler('listTariffs', {}, async () => ({ body: { items: await listTariffs() } }));
