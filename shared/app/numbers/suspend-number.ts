/**
 * The owner suspends its number with retention (报停保号). Primary course: calls stop, the number is kept,
 * the contract records the suspension (billing charges the retention fee instead of rent) and the
 * retention timer runs (the number is cancelled when the retention cap is used up).
 */
import type { NumbersDeps } from './deps.js';
import { ownerCommand } from './owner-command.js';

export const suspendNumber = (deps: NumbersDeps, number: string, tenantId: string, at: string) =>
  ownerCommand(deps, number, 'suspend', tenantId, at);
