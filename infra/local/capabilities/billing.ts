/**
 * Billing in the local runtime: the billing queue is in-process (it calls the worker handler directly,
 * redelivering failures like SQS), so POST /local/jobs/billing-monthly runs a whole month to completion.
 * GET /local/billing/queue shows deliveries and dead letters.
 */
import { useBillingQueue } from '../../../shared/adapters/sqs/billing-queue.js';
import {
  type InProcessQueue,
  inProcessQueue,
  type WorkerHandler,
} from '../../../shared/adapters/sqs/in-process-queue.js';
import { BILLING_FUNCTIONS } from '../../catalogue/billing.js';
import type { LocalCapability } from '../capability.js';

let queue: InProcessQueue | undefined;

export const capability: LocalCapability = {
  name: 'billing',
  async setup(runtime) {
    const worker = BILLING_FUNCTIONS.find((f) => f.id === 'billingWorker');
    if (!worker) throw new Error('billing worker missing from the catalogue');
    queue = inProcessQueue(
      () => runtime.loadHandler(worker.entry) as Promise<WorkerHandler>,
      runtime.lambdaContext(worker.id),
    );
    useBillingQueue(queue);
  },
  routes: [
    {
      method: 'GET',
      path: '/local/billing/queue',
      handle: async () => ({
        status: 200,
        body: { stats: queue?.stats ?? null, deadLetters: queue?.deadLetters ?? [] },
      }),
    },
  ],
};
