/**
 * Primary course: a pending stop comes back from the call-limits delay → read it → relay it through the
 * port: sent on again while not due, else the contact is stopped.
 * Variations: a contact that already ended is done; a malformed stop or any other failure is thrown (the
 * message is redelivered, then dead-lettered and alarmed).
 */
import { parsePendingStop } from '../../domain/routing/call-limit.js';
import type { PendingStopsPort, StopOutcome } from '../../ports/call-limits.js';

export async function stopDueContact(
  deps: { readonly stops: () => Promise<PendingStopsPort> },
  message: string,
  now: Date,
): Promise<{ readonly contactId: string; readonly stopAt: string; readonly outcome: StopOutcome }> {
  const stop = parsePendingStop(message);
  const outcome = await (await deps.stops()).relay(stop, now);
  return { contactId: stop.contactId, stopAt: stop.stopAt, outcome };
}
