/**
 * Integration tests: the work queues go through in-process queues straight to their workers' use cases, so
 * an approval ends with the number active and an apply with the job applied, as on `npm start`: approvals'
 * activations (shared/app/numbers/activate-number.ts) and routing applies (run-routing-apply.ts). Workers
 * run at `at()`: by default the clock in force.
 */
import {
  type InProcessWorkQueue,
  inProcessWorkQueue,
} from '../../shared/adapters/local/in-process-work-queue.js';
import { activateNumber } from '../../shared/app/numbers/activate-number.js';
import { parseActivationMessage, parseRoutingApplyMessage } from '../../shared/ports/queue-messages.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { clock } from '../../shared/runtime/ports.js';
import { routingApply } from '../../shared/runtime/routing-apply.js';
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

export function useInlineRoutingApply(
  at: () => string = () => clock().now().toISOString(),
): InProcessWorkQueue<unknown> {
  const queue = inProcessWorkQueue<unknown>(
    'routing-apply',
    async () => async (event) => {
      for (const record of event.Records) {
        await routingApply.runRoutingApply(parseRoutingApplyMessage(record.body), at());
      }
      return { batchItemFailures: [] };
    },
    {},
  );
  useWorkQueue('routingApply', queue);
  return queue;
}
