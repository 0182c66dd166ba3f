/**
 * Primary course: a pending stop comes back from the call-limits delay → read it → the call has no
 * contact record yet → relay it through the port: sent on again while not due, else the contact is stopped.
 * Variations: the call's contact record already arrived (Connect sends it only once the contact ended), so
 * the stop is cancelled and the chain ends, never stopping a finished contact; a contact that already ended
 * is done; a malformed stop or any other failure is thrown (the message is redelivered, then dead-lettered
 * and alarmed).
 */
import { parsePendingStop } from '../../domain/routing/call-limit.js';
import type { PendingStopsPort, StopOutcome } from '../../ports/call-limits.js';
import type { CallLookupPort } from '../../ports/calls.js';

/** `cancelled`: the call's record arrived, so it ended; its stop is dropped at this hop. */
export type DueStopOutcome = StopOutcome | 'cancelled';

export async function stopDueContact(
  deps: { readonly stops: () => Promise<PendingStopsPort>; readonly calls: CallLookupPort },
  message: string,
  now: Date,
): Promise<{ readonly contactId: string; readonly stopAt: string; readonly outcome: DueStopOutcome }> {
  const stop = parsePendingStop(message);
  // Checked here rather than cancelled by ingest, so ingest sends no extra request per record.
  if (await deps.calls.find(stop.contactId, now)) {
    return { contactId: stop.contactId, stopAt: stop.stopAt, outcome: 'cancelled' };
  }
  const outcome = await (await deps.stops()).relay(stop, now);
  return { contactId: stop.contactId, stopAt: stop.stopAt, outcome };
}
