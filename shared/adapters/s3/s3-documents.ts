/**
 * Qualification documents in S3. The client uploads straight to S3 through a presigned POST: its signed
 * policy fixes the key, the content type, SSE-KMS with the documents key and a `content-length-range`,
 * which S3 checks on the bytes it receives (a presigned PUT cannot bound the size). The bucket refuses
 * every other way of writing (infra/constructs/documents-bucket.ts). At submission each document's
 * current version is read once and hashed; reviewers then download exactly that version.
 * The same adapter serves the prompts bucket (createS3PromptAudio): SSE-S3 instead of KMS, so Amazon Connect
 * can read a tenant's audio, and ranged reads of a prompt's WAV header.
 */
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { optionalEnv, requireEnv } from '../../config.js';
import type { StoredVersion, UploadForm } from '../../ports/documents.js';
import type { PromptAudioHead, PromptAudioPort } from '../../ports/prompts.js';

/** Upload forms live this long: enough to pick a file and send it, short enough to go stale quickly. */
export const UPLOAD_URL_SECONDS = 10 * 60;
/** Download URLs for reviewers are shorter-lived still. */
export const DOWNLOAD_URL_SECONDS = 5 * 60;

export interface S3DocumentsOptions {
  readonly bucket: string;
  /** KMS key id or ARN; absent: the bucket's default aws:kms key. */
  readonly kmsKeyId?: string;
  /**
   * Server-side encryption the signed policy pins. @default 'aws:kms'. The prompts bucket uses 'AES256':
   * Amazon Connect reads the prompt audio from it and holds no grant on our keys.
   */
  readonly encryption?: 'aws:kms' | 'AES256';
}

function isNotFound(error: unknown): boolean {
  const name = (error as Error).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === 'NotFound' || name === 'NoSuchKey' || status === 404;
}

export class S3Documents implements PromptAudioPort {
  constructor(
    private readonly client: S3Client,
    private readonly options: S3DocumentsOptions,
  ) {}

  s3Uri(key: string): string {
    return `s3://${this.options.bucket}/${key}`;
  }

  // The SDK signs the policy at its own clock (X-Amz-Date, what S3 checks): the expiry comes from there, not `now`.
  async presignUpload(key: string, contentType: string, maxBytes: number, _now: Date): Promise<UploadForm> {
    const { bucket, kmsKeyId, encryption = 'aws:kms' } = this.options;
    // Every field becomes an exact-match condition of the signed policy: the client cannot change any of them.
    const { url, fields } = await createPresignedPost(this.client, {
      Bucket: bucket,
      Key: key,
      Fields: {
        'Content-Type': contentType,
        'x-amz-server-side-encryption': encryption,
        ...(kmsKeyId && encryption === 'aws:kms'
          ? { 'x-amz-server-side-encryption-aws-kms-key-id': kmsKeyId }
          : {}),
      },
      Conditions: [['content-length-range', 1, maxBytes]],
      Expires: UPLOAD_URL_SECONDS,
    });
    // The policy expires UPLOAD_URL_SECONDS after the instant it was signed at (X-Amz-Date).
    const signedAt = Date.parse(
      (fields['X-Amz-Date'] ?? '').replace(
        /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
        '$1-$2-$3T$4:$5:$6Z',
      ),
    );
    return {
      method: 'POST',
      url,
      fields,
      expiresAt: new Date(signedAt + UPLOAD_URL_SECONDS * 1000).toISOString(),
    };
  }

  async presignDownload(key: string, now: Date, versionId?: string) {
    const url = await getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
      }),
      { expiresIn: DOWNLOAD_URL_SECONDS },
    );
    return { url, expiresAt: new Date(now.getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString() };
  }

  /** A ranged GetObject: only the first `bytes` bytes travel; the size comes from Content-Range. */
  async readHead(key: string, bytes: number): Promise<PromptAudioHead | undefined> {
    let out: GetObjectCommandOutput;
    try {
      out = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: key, Range: `bytes=0-${bytes - 1}` }),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of (out.Body ?? []) as AsyncIterable<Uint8Array>) chunks.push(chunk);
    const head = new Uint8Array(Buffer.concat(chunks).subarray(0, bytes));
    const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1];
    return {
      head,
      size: total === undefined ? head.byteLength : Number(total),
      version: out.VersionId && out.VersionId !== 'null' ? out.VersionId : (out.ETag ?? ''),
    };
  }

  /**
   * DeleteObject: in the versioned prompts bucket a delete marker, so reads find nothing (Connect included);
   * the audio's versions then expire with the bucket's noncurrent-version rule.
   */
  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Reads the current version and hashes its bytes. S3's own checksum is no substitute: a POST upload gets
   * S3's default CRC64NVME, and a SHA-256 only when the uploader supplied one.
   */
  async describe(key: string): Promise<StoredVersion | undefined> {
    let out: GetObjectCommandOutput;
    try {
      out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    // Without versioning a later write would replace what a reviewer reads: refuse rather than freeze that.
    if (!out.VersionId || out.VersionId === 'null')
      throw new Error(`documents bucket ${this.options.bucket} is not versioned`);
    const hash = createHash('sha256');
    let bytes = 0;
    // In Node the body is a Readable stream: hashed chunk by chunk, never held whole.
    for await (const chunk of (out.Body ?? []) as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    return { versionId: out.VersionId, sha256: hash.digest('hex'), bytes };
  }
}

export function createS3Documents(): S3Documents {
  const kmsKeyId = optionalEnv('DOCUMENTS_KMS_KEY_ID', '');
  return new S3Documents(new S3Client({}), {
    bucket: requireEnv('DOCUMENTS_BUCKET'),
    ...(kmsKeyId ? { kmsKeyId } : {}),
  });
}

/** The prompts bucket (PROMPTS_BUCKET): tenants' recorded prompts, SSE-S3 so Amazon Connect can read them. */
export function createS3PromptAudio(): S3Documents {
  return new S3Documents(new S3Client({}), { bucket: requireEnv('PROMPTS_BUCKET'), encryption: 'AES256' });
}
