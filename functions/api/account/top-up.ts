/**
 * POST /v1/account/top-ups — credits the balance once per Idempotency-Key (ledger key topup#<key>):
 * a retry returns the same result, the same key with another amount is a 409.
 */
import { ledgerStore } from '../../../shared/adapters/dynamo/ledger-store.js';
import { invalid } from '../../../shared/domain/errors.js';
import { numbersConfig } from '../../../shared/domain/numbers/config.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { idempotencyKeyPattern, topUpBody } from '../../../shared/http/schemas/money.js';
import { logger } from '../../../shared/observability.js';
import { restoreAfterPayment } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'createTopUp',
  { body: topUpBody },
  async ({ body, headers, principal, now }) => {
    const tenantId = requireTenant(principal);
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
    const key = `topup#${idempotencyKey}`;
    const store = ledgerStore();
    const wasInArrears = (await store.account(tenantId, now)).account.status === 'arrears';
    const result = await store.post([
      {
        tenantId,
        key,
        kind: 'top_up',
        amount: body.amount,
        at: now.toISOString(),
        description: 'top-up',
        meta: { by: principal.subject },
      },
    ]);
    const { account } = await store.account(tenantId, now);
    const duplicate = result.duplicates.includes(key);
    if (wasInArrears && account.status === 'active') {
      // This top-up ended arrears: the numbers come back now; the hourly number-arrears job is the backstop.
      await restoreAfterPayment(tenantId, now.toISOString(), numbersConfig()).catch((error: unknown) =>
        logger.error('restoring numbers after a top-up failed; the arrears job will retry', {
          error: error as Error,
        }),
      );
    }
    return {
      status: duplicate ? 200 : 201,
      body: {
        key,
        amount: body.amount,
        duplicate,
        balance: account.balance,
        owed: account.owed,
        status: account.status,
      },
    };
  },
);
