/** A lifecycle command the owner gives on its own number, answered with the number as it now is. */
import type { LifecycleCommand } from '../../domain/numbers/lifecycle.js';
import { type NumberView, numberView } from '../../domain/numbers/number-view.js';
import type { NumbersDeps } from './deps.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

export type OwnerCommand = 'suspend' | 'resume' | 'request_cancellation' | 'withdraw_cancellation';

export async function ownerCommand(
  deps: NumbersDeps,
  numberId: string,
  type: OwnerCommand,
  tenantId: string,
  at: string,
): Promise<NumberView> {
  const { number } = await runLifecycleCommand(deps, numberId, { type, tenantId } as LifecycleCommand, {
    at,
    actor: tenantId,
  });
  return numberView(number, at);
}
