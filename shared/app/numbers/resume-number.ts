/** The owner resumes its suspended number. Primary course: calls flow again and the suspension ends in the contract. */
import type { NumbersDeps } from './deps.js';
import { ownerCommand } from './owner-command.js';

export const resumeNumber = (deps: NumbersDeps, number: string, tenantId: string, at: string) =>
  ownerCommand(deps, number, 'resume', tenantId, at);
