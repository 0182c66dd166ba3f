/**
 * The owner asks to cancel its number. Primary course: the notice period starts; when it ends the
 * number-cancellation-notice job cancels the number (fees settled, balance refunded, quarantine starts).
 */
import type { NumbersDeps } from './deps.js';
import { ownerCommand } from './owner-command.js';

export const requestCancellation = (deps: NumbersDeps, number: string, tenantId: string, at: string) =>
  ownerCommand(deps, number, 'request_cancellation', tenantId, at);
