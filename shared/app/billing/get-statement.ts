/**
 * Primary course: a tenant reads its statement of a month.
 *
 * Variation: a month not billed yet is a not-found.
 */
import type { BillingMonth } from '../../domain/billing/calendar.js';
import { notFound } from '../../domain/errors.js';
import type { StatementStore, StoredStatement } from '../../ports/statements.js';

export async function getStatement(
  deps: { readonly statements: StatementStore },
  tenantId: string,
  month: BillingMonth,
): Promise<StoredStatement> {
  const statement = await deps.statements.get(tenantId, month);
  if (!statement) throw notFound('statement_not_found', `no statement for ${month} yet`);
  return statement;
}
