/**
 * Primary course: a tenant asks for a call's recording → the call record is found by its contact id →
 * it is the tenant's and names a recording in the recordings bucket → a short-lived download link.
 * Variations: an unknown or expired call, another tenant's call, a call with no recording, or a recording
 * outside the bucket is the same 404 (another tenant cannot learn that a contact id exists).
 */

import { recordingObject } from '../../domain/calls/recording.js';
import { notFound } from '../../domain/errors.js';
import type { CallLookupPort } from '../../ports/calls.js';
import type { RecordingLink, RecordingsPort } from '../../ports/recordings.js';

export interface RecordingQuery {
  readonly tenantId: string;
  readonly contactId: string;
  readonly now: Date;
}

export async function getCallRecording(
  deps: { readonly calls: CallLookupPort; readonly recordings: () => Promise<RecordingsPort> },
  query: RecordingQuery,
): Promise<{ readonly contactId: string } & RecordingLink> {
  const call = await deps.calls.find(query.contactId, query.now);
  const recording = call?.tenantId === query.tenantId ? recordingObject(call.recordingRef) : undefined;
  const link = recording && (await (await deps.recordings()).presignDownload(recording, query.now));
  if (!link) throw notFound('recording_not_found', `no recording for call ${query.contactId}`);
  return { contactId: query.contactId, ...link };
}
