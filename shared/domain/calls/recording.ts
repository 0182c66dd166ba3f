/**
 * Where a call's recording is. Connect's contact record gives each recording's `Location` as
 * `<bucket>/<key>`, the key being `<prefix>/CallRecordings/YYYY/MM/DD/<contactId>_<timestamp>_UTC.wav`
 * under the instance's CALL_RECORDINGS storage; ingest keeps that location on the call item
 * (`recordingRef`), and a download link is signed for the object it names.
 */

export interface RecordingObject {
  readonly bucket: string;
  readonly key: string;
}

/** S3 bucket names: 3–63 lower-case letters, digits, dots and hyphens, starting and ending alphanumeric. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The object a recording location names, or undefined when it names none (null, empty, no key). */
export function recordingObject(location: string | undefined): RecordingObject | undefined {
  if (!location) return undefined;
  const slash = location.indexOf('/');
  if (slash < 0) return undefined;
  const bucket = location.slice(0, slash);
  const key = location.slice(slash + 1);
  // S3 keys are at most 1,024 bytes of UTF-8.
  if (!BUCKET.test(bucket) || key === '' || new TextEncoder().encode(key).length > 1024) return undefined;
  return { bucket, key };
}
