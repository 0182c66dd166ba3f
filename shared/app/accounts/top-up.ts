/**
 * Primary course: the tenant credits its balance, once per idempotency key (ledger key topup#<key>): a
 * retry answers the same result as a duplicate; the same key with another amount is a 409 (the ledger's
 * idempotency_conflict). Variation: a top-up that ends arrears brings the tenant's numbers back now (the
 * hourly arrears job is the backstop if that fails).
 */
import type { LedgerStorePort } from '../../ports/accounts.js';

export interface TopUpDeps {
  readonly ledger: LedgerStorePort;
  /** Restores the tenant's numbers stopped for arrears. */
  readonly restoreNumbers: (tenantId: string, at: string) => Promise<void>;
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

export interface TopUpRequest {
  readonly tenantId: string;
  readonly idempotencyKey: string;
  readonly amount: number;
  /** Who asked (the token's subject), kept on the entry. */
  readonly by: string;
  readonly now: Date;
}

export async function topUp(deps: TopUpDeps, request: TopUpRequest) {
  const { tenantId, amount, now } = request;
  const key = `topup#${request.idempotencyKey}`;
  const wasInArrears = (await deps.ledger.account(tenantId, now)).account.status === 'arrears';
  const result = await deps.ledger.post([
    {
      tenantId,
      key,
      kind: 'top_up',
      amount,
      at: now.toISOString(),
      description: 'top-up',
      meta: { by: request.by },
    },
  ]);
  const { account } = await deps.ledger.account(tenantId, now);
  if (wasInArrears && account.status === 'active') {
    await deps
      .restoreNumbers(tenantId, now.toISOString())
      .catch((error: unknown) =>
        deps.warn?.('restoring numbers after a top-up failed; the arrears job will retry', { error }),
      );
  }
  return {
    key,
    amount,
    duplicate: result.duplicates.includes(key),
    balance: account.balance,
    owed: account.owed,
    status: account.status,
  };
}
