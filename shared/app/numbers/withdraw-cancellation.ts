/** The owner withdraws its cancellation request during the notice period. Primary course: the number returns to the status it had. */
import type { NumbersDeps } from './deps.js';
import { ownerCommand } from './owner-command.js';

export const withdrawCancellation = (deps: NumbersDeps, number: string, tenantId: string, at: string) =>
  ownerCommand(deps, number, 'withdraw_cancellation', tenantId, at);
