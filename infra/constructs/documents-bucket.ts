/**
 * Qualification documents (business licences, ID scans): KMS-encrypted with the data key, private, TLS
 * only, versioned, with server access logs in a separate log bucket. Both are retained with the stack.
 *
 * What bounds an upload, and where:
 * - The size: only a presigned POST's signed policy can (`content-length-range`, checked by S3 on the
 *   bytes). IAM and bucket policies have no condition key for an object's size, and a presigned PUT signs
 *   no length range.
 * - So the bucket refuses every write that is not a POST upload (`s3:authType` must be `POST`): presigned
 *   PUT URLs, SDK PutObject, multipart uploads (UploadPart is s3:PutObject) and copies all fail, for every
 *   principal. A POST policy is signed by a role allowed to s3:PutObject here, i.e. our functions, whose
 *   one signing path (shared/adapters/s3/s3-documents.ts) always sets the range; the bucket cannot read a
 *   policy's contents, so a POST signed elsewhere with other credentials holding s3:PutObject is outside
 *   what S3 can check.
 * - Versioning keeps every upload: what a submission froze (version id and SHA-256) stays readable for
 *   review, whatever is written afterwards (noncurrent versions are kept 730 days).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface DocumentsBucketProps {
  readonly dataKey: kms.IKey;
}

export class DocumentsBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: DocumentsBucketProps) {
    super(scope, id);
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging delivers only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket itself; logging it into itself would loop and another bucket adds nothing',
    });
    this.bucket = new s3.Bucket(this, 'Documents', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'documents/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // Replaced scans are kept a while for disputes; current versions are never expired by lifecycle.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(730) },
      ],
    });
    denyWritesButPresignedPost(this.bucket);
  }
}

/**
 * Refuses every way of writing an object but a presigned POST (`s3:authType` must be `POST`): the POST's
 * signed policy pins the key, content type and size, which nothing else would.
 */
export function denyWritesButPresignedPost(bucket: s3.Bucket): void {
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'WritesOnlyThroughPresignedPost',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects('*')],
      conditions: { StringNotEquals: { 's3:authType': 'POST' } },
    }),
  );
}
