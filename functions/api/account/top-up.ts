/**
 * POST /v1/account/top-ups — retired (issue 14): it let a tenant credit itself money no one had paid. Money
 * comes in only through a verified payment (POST /v1/payments) or an audited operator credit.
 */
import { apiHandler, errorBody } from '../../../shared/http/api-handler.js';

export const handler = apiHandler('createTopUp', {}, async () => ({
  status: 410,
  body: errorBody('gone', 'top-ups are retired: create a payment order with POST /v1/payments', undefined, {
    use: 'POST /v1/payments',
  }),
}));
