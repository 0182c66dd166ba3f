/**
 * Call recordings in S3: a presigned GET for one object of the recordings bucket (RECORDINGS_BUCKET), valid
 * five minutes. The function may only read that bucket (and decrypt with its key), so a location elsewhere
 * gets no link rather than one that fails.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { requireEnv } from '../../config.js';
import type { RecordingObject } from '../../domain/calls/recording.js';
import type { RecordingLink, RecordingsPort } from '../../ports/recordings.js';

/** Download links to recordings live this long. */
export const RECORDING_URL_SECONDS = 5 * 60;

export class S3Recordings implements RecordingsPort {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async presignDownload(recording: RecordingObject, now: Date): Promise<RecordingLink | undefined> {
    if (recording.bucket !== this.bucket) return undefined;
    const command = new GetObjectCommand({
      Bucket: recording.bucket,
      Key: recording.key,
      // Browsers save the file under its own name rather than play a link to an opaque key.
      ResponseContentDisposition: `attachment; filename="${fileName(recording.key)}"`,
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: RECORDING_URL_SECONDS,
      signingDate: now,
    });
    return { url, expiresAt: new Date(now.getTime() + RECORDING_URL_SECONDS * 1000).toISOString() };
  }
}

/** The key's last segment, in characters safe inside a quoted header parameter. */
function fileName(key: string): string {
  return (key.split('/').pop() ?? 'recording').replace(/[^A-Za-z0-9._:-]/g, '_');
}

export function createS3Recordings(): S3Recordings {
  return new S3Recordings(new S3Client({}), requireEnv('RECORDINGS_BUCKET'));
}
