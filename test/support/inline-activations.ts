/**
 * Integration tests: approvals' activations go through an in-process queue straight to the activation
 * worker's use case (shared/app/numbers/activate-number.ts), so an approval ends with the number active as
 * on `npm start`. The worker runs at `at()`: the instant the test approves at, else the clock in force.
 */
import {
  type InProcessWorkQueue,
  inProcessWorkQueue,
} from '../../shared/adapters/local/in-process-work-queue.js';
import { activateNumber } from '../../shared/app/numbers/activate-number.js';
import { parseActivationMessage } from '../../shared/app/numbers/activation.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { clock } from '../../shared/runtime/ports.js';
import { useWorkQueue } from '../../shared/runtime/work-queues.js';

export function useInlineActivations(
  at: () => string = () => clock().now().toISOString(),
): InProcessWorkQueue<unknown> {
  const queue = inProcessWorkQueue<unknown>(
    'number-activations',
    async () => async (event) => {
      for (const record of event.Records) {
        await activateNumber(numbersDeps(), parseActivationMessage(record.body), at());
      }
      return { batchItemFailures: [] };
    },
    {},
  );
  useWorkQueue('numberActivations', queue);
  return queue;
}
