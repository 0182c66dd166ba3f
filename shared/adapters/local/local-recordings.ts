/**
 * The recordings port locally: there is no S3, so a "download link" is a stand-in URL naming the object and
 * its expiry, and every link issued is kept (tests read `issued`). Any bucket is accepted: locally there is
 * no IAM to confine the function to one.
 */
import type { RecordingObject } from '../../domain/calls/recording.js';
import type { RecordingLink, RecordingsPort } from '../../ports/recordings.js';

export const LOCAL_RECORDING_URL_SECONDS = 5 * 60;

export interface LocalRecordings extends RecordingsPort {
  readonly issued: readonly (RecordingObject & RecordingLink)[];
}

export function createLocalRecordings(): LocalRecordings {
  const issued: (RecordingObject & RecordingLink)[] = [];
  return {
    issued,
    async presignDownload(recording, now) {
      const expiresAt = new Date(now.getTime() + LOCAL_RECORDING_URL_SECONDS * 1000).toISOString();
      const url = `http://local.recordings/${recording.bucket}/${recording.key
        .split('/')
        .map(encodeURIComponent)
        .join('/')}?expires=${encodeURIComponent(expiresAt)}`;
      issued.push({ ...recording, url, expiresAt });
      return { url, expiresAt };
    },
  };
}
