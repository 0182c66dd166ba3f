/**
 * Tenants' recorded prompts (`prompts/<tenantId>/<promptId>.wav`): private, TLS only, versioned, server
 * access logs beside the documents'. Encrypted with S3-managed keys: Amazon Connect reads each object when
 * the routing apply worker creates its Connect prompt (CreatePrompt with the object's S3 URI), and it holds
 * no grant on our KMS keys. What is in it is audio a tenant chose to play to every caller, not personal data.
 *
 * Writes come only through the presigned POST of POST /v1/prompts, whose signed policy pins the key, the
 * content type and the size (five minutes of 8 kHz µ-law): like the documents bucket, every other way of
 * writing is refused (`s3:authType` must be `POST`). Connect may read objects under `prompts/` only, and
 * only for this account's instances (aws:SourceAccount).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { denyWritesButPresignedPost } from './documents-bucket.js';

export const PROMPTS_PREFIX = 'prompts';

export interface PromptsBucketProps {
  /** Server access logs go here (the documents' log bucket). */
  readonly accessLogs: s3.IBucket;
}

export class PromptsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: PromptsBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Prompts', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'prompts/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // A deleted prompt (DELETE /v1/prompts/{id}) leaves a delete marker; once its old versions expire, the
        // marker goes too.
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(90),
          expiredObjectDeleteMarker: true,
        },
      ],
    });
    denyWritesButPresignedPost(this.bucket);
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ConnectReadsPrompts',
        effect: iam.Effect.ALLOW,
        principals: [new iam.ServicePrincipal('connect.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${PROMPTS_PREFIX}/*`)],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
  }
}
