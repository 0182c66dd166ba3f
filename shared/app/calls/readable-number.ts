/**
 * Whose call history a number shows (calls, reports): its holder now, and every former holder (a tenant
 * with calls on it, kept on the account by ingest, or named in the number's own history), so a cancelled or
 * transferred number's history stays readable by the tenant that made it. Anyone else gets a 404, as for a number that does not exist; the stores filter
 * every read by tenant, so a new holder never sees a former holder's calls.
 */
import { notFound } from '../../domain/errors.js';
import { currentOwner } from '../../domain/numbers/lifecycle.js';
import type { AccountsPort } from '../../ports/accounts.js';
import type { NumberStore } from '../../ports/number-store.js';

export interface ReadableNumberDeps {
  readonly numbers: Pick<NumberStore, 'get' | 'history'>;
  readonly accounts: Pick<AccountsPort, 'callNumbers'>;
}

export async function requireReadableNumber(
  deps: ReadableNumberDeps,
  tenantId: string,
  number: string,
  now: Date,
): Promise<void> {
  const record = await deps.numbers.get(number);
  if (record && currentOwner(record, now.toISOString()) === tenantId) return;
  if ((await deps.accounts.callNumbers(tenantId)).includes(number)) return;
  if (record && (await deps.numbers.history(number)).some((entry) => entry.tenantId === tenantId)) return;
  throw notFound('number_not_found', 'no such number among yours');
}
