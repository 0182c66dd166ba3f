/**
 * Number activation worker (SQS, NUMBER_ACTIVATIONS_QUEUE_URL): claims the approved number's access number in
 * Connect, binds it and activates the number (shared/app/numbers/activate-number.ts). Backing off is a
 * delayed message of its own; a record that throws is redelivered, then dead-lettered (alarmed).
 */
import { parseActivationMessage } from '../../shared/ports/queue-messages.js';
import { activateNumber } from '../../shared/runtime/numbers.js';
import { queueWorker } from '../../shared/runtime/queue-worker.js';

export const handler = queueWorker('NumberActivation', parseActivationMessage, activateNumber);
