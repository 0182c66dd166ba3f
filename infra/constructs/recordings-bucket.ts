/**
 * Call recordings: Connect's CALL_RECORDINGS instance storage writes them to a private, TLS-only bucket,
 * encrypted with a customer-managed KMS key of its own (Connect takes the key's full ARN and supports only
 * SYMMETRIC_DEFAULT keys: AWS::Connect::InstanceStorageConfig EncryptionConfig). A lifecycle rule deletes each
 * recording when its retention ends; the retention is deployment context (`-c recordingRetentionDays=…`),
 * 730 days by default and never less, because medical customers must keep records at least 2 years.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Two years: the longest record-keeping rule among our industries (medical records, ≥ 2 years). */
export const DEFAULT_RECORDING_RETENTION_DAYS = 730;
export const MIN_RECORDING_RETENTION_DAYS = 730;
/** Where Connect writes under the bucket (it adds CallRecordings/YYYY/MM/DD/ itself). */
export const RECORDINGS_PREFIX = 'connect';

/** The retention from a context value (undefined: the default), or an error naming the bad value. */
export function recordingRetentionDays(value?: string | number): number {
  if (value === undefined) return DEFAULT_RECORDING_RETENTION_DAYS;
  const days = Number(value);
  if (!Number.isInteger(days) || days < MIN_RECORDING_RETENTION_DAYS) {
    throw new Error(
      `recordingRetentionDays must be a whole number of days, at least ${MIN_RECORDING_RETENTION_DAYS} (medical records are kept 2 years), got "${value}"`,
    );
  }
  return days;
}

export interface RecordingsBucketProps {
  /** Server access logs go here (the documents' log bucket). */
  readonly accessLogs: s3.IBucket;
  /** @default DEFAULT_RECORDING_RETENTION_DAYS */
  readonly retentionDays?: number;
}

export class RecordingsBucket extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: RecordingsBucketProps) {
    super(scope, id);
    this.retentionDays = recordingRetentionDays(props.retentionDays);
    this.key = new kms.Key(this, 'Key', {
      description: 'hotline400: call recordings',
      enableKeyRotation: true,
      keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Connect writes recordings as its service-linked role, through S3 (the default key policy already
    // delegates to IAM; this names the role explicitly and only for use by S3 in this account).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ConnectWritesEncryptedRecordings',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` },
          ArnLike: {
            'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/connect.amazonaws.com/*`,
          },
        },
      }),
    );
    this.bucket = new s3.Bucket(this, 'Recordings', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Written once by Connect, deleted by lifecycle: versions would only keep deleted recordings alive.
      versioned: false,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'recordings/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'delete-recordings-after-retention',
          expiration: Duration.days(this.retentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }

  /** Makes this bucket the instance's CALL_RECORDINGS storage (S3, encrypted with the recordings key). */
  attachTo(instanceArn: string): connect.CfnInstanceStorageConfig {
    return new connect.CfnInstanceStorageConfig(this, 'CallRecordingStorage', {
      instanceArn,
      resourceType: 'CALL_RECORDINGS',
      storageType: 'S3',
      s3Config: {
        bucketName: this.bucket.bucketName,
        bucketPrefix: RECORDINGS_PREFIX,
        encryptionConfig: { encryptionType: 'KMS', keyId: this.key.keyArn },
      },
    });
  }
}
