/**
 * A payment brought a tenant's account back to active. Primary course: its arrears-stopped numbers are
 * restored at once rather than at the next hourly sweep (which stays the backstop), and the arrears watch
 * is forgotten. Each restore is the lifecycle's own `restore_after_payment`, so running this twice changes
 * nothing.
 */
import { DomainError } from '../../domain/errors.js';
import type { NumbersDeps } from './deps.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

export async function restoreAfterPayment(deps: NumbersDeps, tenantId: string, at: string): Promise<number> {
  const stopped = await deps.numbers.numbersOfTenant(tenantId, 'arrears_stopped');
  let restored = 0;
  for (const number of stopped) {
    try {
      await runLifecycleCommand(deps, number, { type: 'restore_after_payment' }, { at, actor: 'payment' });
      restored += 1;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  if (stopped.length > 0) await deps.arrears.forgetWatch(tenantId);
  return restored;
}
