/**
 * Routing apply worker (SQS, ROUTING_APPLY_QUEUE_URL): applies a number's routing configuration to Connect
 * as a resumable diff, backing off from throttling through delayed messages
 * (shared/app/routing/run-routing-apply.ts). A record that throws is redelivered, then dead-lettered.
 */
import { parseRoutingApplyMessage } from '../../shared/ports/queue-messages.js';
import { queueWorker } from '../../shared/runtime/queue-worker.js';
import { routingApply } from '../../shared/runtime/routing-apply.js';

export const handler = queueWorker('RoutingApply', parseRoutingApplyMessage, routingApply.runRoutingApply);
