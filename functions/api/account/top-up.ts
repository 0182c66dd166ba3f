/**
 * POST /v1/account/top-ups — credits the balance once per Idempotency-Key (ledger key topup#<key>):
 * a retry returns the same result, the same key with another amount is a 409.
 */
import { invalid } from '../../../shared/domain/errors.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { idempotencyKeyPattern, topUpBody } from '../../../shared/http/schemas/money.js';
import { money } from '../../../shared/runtime/money.js';

export const handler = apiHandler(
  'createTopUp',
  { body: topUpBody },
  async ({ body, headers, principal, now }) => {
    const idempotencyKey = headers['idempotency-key'] ?? headers['Idempotency-Key'];
    if (!idempotencyKey)
      throw invalid('idempotency_key_required', 'send an Idempotency-Key header', 'Idempotency-Key');
    if (!idempotencyKeyPattern.test(idempotencyKey)) {
      throw invalid(
        'invalid_idempotency_key',
        'Idempotency-Key: 8–128 letters, digits or _.:-',
        'Idempotency-Key',
      );
    }
    const result = await money.topUp({
      tenantId: requireTenant(principal),
      idempotencyKey,
      amount: body.amount,
      by: principal.subject,
      now,
    });
    return { status: result.duplicate ? 200 : 201, body: result };
  },
);
