/**
 * Billing's port onto the numbers area, composed here because it crosses areas: the contract-terms job
 * needs the number's owner and status, and `request_cancellation` (effective after the 30-day notice).
 */

import { getNumberItem } from '../adapters/dynamo/number-items.js';
import { DomainError } from '../domain/errors.js';
import { numbersConfig } from '../domain/numbers/config.js';
import type { NumberCancellations } from '../ports/billing-contracts.js';
import { runCommand } from './numbers.js';

export const numberCancellations: NumberCancellations = {
  async status(number) {
    const item = await getNumberItem(number);
    return item ? { tenantId: item.tenantId, status: item.status } : undefined;
  },

  async requestCancellation(number, tenantId, at, note) {
    try {
      await runCommand(
        number,
        { type: 'request_cancellation', tenantId },
        { at, actor: 'job:billing-contracts', config: numbersConfig(), note },
      );
      return true;
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'conflict') return false;
      throw error;
    }
  },
};
