/**
 * Qualification documents in S3: the client PUTs straight to a presigned URL that demands SSE-KMS with
 * the documents key, so the object is encrypted at rest and never passes through a Lambda.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { optionalEnv, requireEnv } from '../../config.js';
import type { DocumentsPort } from '../../ports/documents.js';

/** Presigned upload URLs live this long. */
export const UPLOAD_URL_SECONDS = 15 * 60;
/** Download URLs for reviewers are shorter-lived still. */
export const DOWNLOAD_URL_SECONDS = 5 * 60;

export interface S3DocumentsOptions {
  readonly bucket: string;
  /** KMS key id or ARN; absent: the bucket's default aws:kms key. */
  readonly kmsKeyId?: string;
  readonly now?: () => Date;
}

export class S3Documents implements DocumentsPort {
  constructor(
    private readonly client: S3Client,
    private readonly options: S3DocumentsOptions,
  ) {}

  async presignUpload(key: string, contentType: string, maxBytes: number) {
    const command = new PutObjectCommand({
      Bucket: this.options.bucket,
      Key: key,
      ContentType: contentType,
      ServerSideEncryption: 'aws:kms',
      ...(this.options.kmsKeyId ? { SSEKMSKeyId: this.options.kmsKeyId } : {}),
      // Recorded on the object; the bucket policy refuses objects above the limit (a PUT URL cannot).
      Metadata: { 'max-bytes': String(maxBytes) },
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: UPLOAD_URL_SECONDS,
      // The client must send these headers exactly, so the encryption cannot be dropped.
      signableHeaders: new Set(['content-type', 'x-amz-server-side-encryption']),
    });
    const now = this.options.now?.() ?? new Date();
    return { url, expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString() };
  }

  async presignDownload(key: string) {
    const url = await getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: this.options.bucket, Key: key }),
      {
        expiresIn: DOWNLOAD_URL_SECONDS,
      },
    );
    const now = this.options.now?.() ?? new Date();
    return { url, expiresAt: new Date(now.getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString() };
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return true;
    } catch (error) {
      const name = (error as Error).name;
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (name === 'NotFound' || name === 'NoSuchKey' || status === 404) return false;
      throw error;
    }
  }
}

export function createS3Documents(): S3Documents {
  const kmsKeyId = optionalEnv('DOCUMENTS_KMS_KEY_ID', '');
  return new S3Documents(new S3Client({}), {
    bucket: requireEnv('DOCUMENTS_BUCKET'),
    ...(kmsKeyId ? { kmsKeyId } : {}),
  });
}
