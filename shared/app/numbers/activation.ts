/**
 * An approved number's activation, as the approval and the activation worker share it: the message on the
 * activation queue, how an activation starts (its record written, then the message sent; both safe to
 * repeat) and what tenants and operators see of it.
 */
import type { ActivationRecord } from '../../ports/activation-store.js';
import type { ActivationMessage } from '../../ports/queue-messages.js';
import type { NumbersDeps } from './deps.js';

export type { ActivationMessage };

/**
 * The name Connect's ClientToken is derived from (with the attempt): the application for its first
 * activation, the application and generation after a rollback, so a restarted activation never replays a
 * token whose claim was released.
 */
export const claimTokenName = (applicationId: string, generation: number) =>
  generation === 0 ? applicationId : `${applicationId}#g${generation}`;

/**
 * Writes the activation of this generation (unless it exists) and sends it to the worker. Sending again an
 * activation in progress is harmless (the worker resumes from the stored claim) and is how an operator's
 * repeated approval nudges one that seems stuck; a finished or superseded one is not sent.
 */
export async function startActivation(
  deps: NumbersDeps,
  start: { number: string; applicationId: string; tenantId: string; generation: number },
  at: string,
): Promise<ActivationRecord> {
  const record = await deps.activations.start({
    ...start,
    status: 'activating',
    step: 'queued',
    tries: 0,
    startedAt: at,
    updatedAt: at,
  });
  if (
    record.status === 'activating' &&
    record.applicationId === start.applicationId &&
    record.generation === start.generation
  ) {
    await (await deps.activationQueue()).send({
      type: 'number.activate',
      number: start.number,
      applicationId: start.applicationId,
      generation: start.generation,
    });
  }
  return record;
}

/** What tenants see of an activation (Connect's errors and ids stay with operators). */
export function activationView(record: ActivationRecord) {
  return {
    status: record.status,
    step: record.step,
    tries: record.tries,
    startedAt: record.startedAt,
    updatedAt: record.updatedAt,
    ...(record.accessNumber ? { accessNumber: record.accessNumber } : {}),
  };
}

/** What operators see: also the last error and the claim in progress. */
export function operatorActivationView(record: ActivationRecord) {
  return {
    ...activationView(record),
    generation: record.generation,
    ...(record.claim ? { claim: record.claim } : {}),
    ...(record.lastError ? { lastError: record.lastError } : {}),
  };
}
