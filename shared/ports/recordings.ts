/** Call recordings (Connect's CALL_RECORDINGS storage in S3, KMS-encrypted) behind a port; locally, a stand-in link. */
import type { RecordingObject } from '../domain/calls/recording.js';

export interface RecordingLink {
  readonly url: string;
  /** ISO-8601 instant after which the link no longer works. */
  readonly expiresAt: string;
}

export interface RecordingsPort {
  /**
   * A short-lived link to download the recording, or undefined when the object is not in this
   * deployment's recordings bucket (a location this function may not read).
   */
  presignDownload(recording: RecordingObject, now: Date): Promise<RecordingLink | undefined>;
}
