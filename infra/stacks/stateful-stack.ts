/**
 * Everything that holds data and must survive a redeploy of the functions: the KMS keys, the DynamoDB
 * tables, the contact-record stream, the SNS topics, the documents and call-recordings buckets, the billing
 * work queue and the Amazon Connect instance. Nothing here is deleted with the stack.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { TableDefinition, TableId } from '../../shared/tables.js';
import { ConnectInstance } from '../constructs/contact-center.js';
import { CursorKey } from '../constructs/cursor-key.js';
import { DataTables } from '../constructs/data-tables.js';
import { DocumentsBucket } from '../constructs/documents-bucket.js';
import { EncryptedQueue } from '../constructs/encrypted-queue.js';
import { SmsSecret } from '../constructs/messaging.js';
import { PaymentSecrets } from '../constructs/payment-secrets.js';
import { PromptsBucket } from '../constructs/prompts-bucket.js';
import { RECORDINGS_PREFIX, RecordingsBucket } from '../constructs/recordings-bucket.js';

/** What the stateless stack needs from the stateful one: the typed join between the two. */
export interface StatefulResources {
  readonly tables: Readonly<Partial<Record<TableId, dynamodb.ITable>>>;
  readonly contactRecords: kinesis.IStream;
  /** Tenant alerts (email/SMS subscriptions filtered on the tenantId attribute). */
  readonly alertsTopic: sns.ITopic;
  /** Operational alarms. */
  readonly opsTopic: sns.ITopic;
  readonly documentsBucket: s3.IBucket;
  /** Tenants' recorded prompts (POST /v1/prompts uploads; Amazon Connect reads them at apply). */
  readonly promptsBucket?: s3.IBucket;
  /** Call recordings (Connect's CALL_RECORDINGS storage), deleted by lifecycle when their retention ends. */
  readonly recordingsBucket?: s3.IBucket;
  readonly billingQueue: sqs.IQueue;
  /** Billing work that failed five times (alarmed by the stateless stack). */
  readonly billingDeadLetters: sqs.IQueue;
  /** Encrypts topics and queues (including the stateless stack's dead-letter queues). */
  readonly messagingKey: kms.IKey;
  readonly connectInstanceArn: string;
  /** true when the stack created the Connect instance (and its contact-record streaming). */
  readonly connectInstanceManaged: boolean;
  /** The payment providers' merchant keys (absent in stacks built without payments). */
  readonly paymentSecret?: secretsmanager.ISecret;
  /** The Aliyun SMS AccessKey (infra/constructs/messaging.ts). */
  readonly smsSecret?: secretsmanager.ISecret;
  /** Signs list cursors (absent in stacks built without it: paging routes then fail to synthesize). */
  readonly cursorSecret?: secretsmanager.ISecret;
}

export interface StatefulStackProps extends StackProps {
  /** Adopt this Connect instance (`-c connectInstanceArn=...`) instead of creating one. */
  readonly connectInstanceArn?: string;
  readonly connectInstanceAlias?: string;
  /** Subscribed by e-mail to the ops topic (`-c alarmEmail=...`). */
  readonly alarmEmail?: string;
  /** Days call recordings are kept (`-c recordingRetentionDays=...`). @default 730 (medical: ≥ 2 years) */
  readonly recordingRetentionDays?: number;
  /** @default every table in shared/tables.ts */
  readonly tableDefinitions?: readonly TableDefinition[];
}

export class StatefulStack extends Stack implements StatefulResources {
  readonly dataKey: kms.Key;
  readonly messagingKey: kms.Key;
  readonly tables: Readonly<Record<TableId, dynamodb.Table>>;
  readonly contactRecords: kinesis.Stream;
  readonly alertsTopic: sns.Topic;
  readonly opsTopic: sns.Topic;
  readonly documentsBucket: s3.Bucket;
  readonly promptsBucket: s3.Bucket;
  readonly recordings: RecordingsBucket;
  readonly recordingsBucket: s3.Bucket;
  readonly billingQueue: sqs.Queue;
  readonly billingDeadLetters: sqs.Queue;
  readonly connectInstanceArn: string;
  readonly connectInstanceManaged: boolean;
  readonly paymentSecret: secretsmanager.ISecret;
  readonly smsSecret: secretsmanager.ISecret;
  readonly cursorSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);

    this.dataKey = new kms.Key(this, 'DataKey', {
      description: 'hotline400: sensitive tables and qualification documents',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.messagingKey = new kms.Key(this, 'MessagingKey', {
      description: 'hotline400: SNS topics and SQS queues',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the encrypted ops topic as the CloudWatch service, not as a role.
    this.messagingKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.tables = new DataTables(this, 'Tables', {
      dataKey: this.dataKey,
      definitions: props.tableDefinitions,
    }).tables;

    this.contactRecords = new kinesis.Stream(this, 'ContactRecords', {
      streamMode: kinesis.StreamMode.ON_DEMAND,
      // The Kinesis-owned key: Connect's service-linked role can write without a key-policy grant.
      encryption: kinesis.StreamEncryption.MANAGED,
      // Long enough to replay a failed batch after a weekend (the on-failure queue holds only pointers).
      retentionPeriod: Duration.days(7),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.alertsTopic = new sns.Topic(this, 'AlertsTopic', {
      displayName: 'hotline400 alerts',
      masterKey: this.messagingKey,
      enforceSSL: true,
    });
    this.opsTopic = new sns.Topic(this, 'OpsTopic', {
      displayName: 'hotline400 operations alarms',
      masterKey: this.messagingKey,
      enforceSSL: true,
    });
    if (props.alarmEmail)
      this.opsTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    this.paymentSecret = new PaymentSecrets(this, 'Payments', { encryptionKey: this.dataKey }).secret;
    this.smsSecret = new SmsSecret(this, 'Sms', { encryptionKey: this.dataKey }).secret;
    this.cursorSecret = new CursorKey(this, 'Cursors', { encryptionKey: this.dataKey }).secret;

    const documents = new DocumentsBucket(this, 'Documents', { dataKey: this.dataKey });
    this.documentsBucket = documents.bucket;
    this.promptsBucket = new PromptsBucket(this, 'Prompts', { accessLogs: documents.accessLogs }).bucket;
    this.recordings = new RecordingsBucket(this, 'Recordings', {
      accessLogs: documents.accessLogs,
      retentionDays: props.recordingRetentionDays,
    });
    this.recordingsBucket = this.recordings.bucket;

    const billingDeadLetters = new EncryptedQueue(this, 'BillingDeadLetters', {
      encryptionKey: this.messagingKey,
      purpose: 'billing work that failed five times',
    });
    this.billingQueue = new EncryptedQueue(this, 'BillingQueue', {
      encryptionKey: this.messagingKey,
      purpose: 'billing work',
      deadLetters: { queue: billingDeadLetters.queue, maxReceiveCount: 5 },
      // At least the longest Lambda timeout (15 min), so a message is never redelivered mid-batch.
      visibilityTimeout: Duration.minutes(15),
    }).queue;
    this.billingDeadLetters = billingDeadLetters.queue;

    const connectInstance = new ConnectInstance(this, 'Connect', {
      importedInstanceArn: props.connectInstanceArn,
      instanceAlias: props.connectInstanceAlias,
      contactRecords: this.contactRecords,
    });
    this.connectInstanceArn = connectInstance.instanceArn;
    this.connectInstanceManaged = connectInstance.managed;
    // An adopted instance may already record elsewhere (one CALL_RECORDINGS config per instance): its
    // operator points Data storage > Call recordings at the bucket named in the outputs instead.
    if (connectInstance.managed) this.recordings.attachTo(this.connectInstanceArn);

    new CfnOutput(this, 'ContactRecordStreamArn', {
      value: this.contactRecords.streamArn,
      description: connectInstance.managed
        ? 'Kinesis stream receiving the contact records of the Connect instance created here'
        : "Point the Connect instance's contact-record streaming (Data storage > Data streaming) at this stream",
    });
    new CfnOutput(this, 'ConnectInstanceArn', { value: this.connectInstanceArn });
    new CfnOutput(this, 'RecordingsBucketName', {
      value: this.recordingsBucket.bucketName,
      description: connectInstance.managed
        ? `Call recordings of the Connect instance, kept ${this.recordings.retentionDays} days`
        : `Point the Connect instance's call recordings (Data storage) at this bucket, prefix ${RECORDINGS_PREFIX}, encrypted with RecordingsKeyArn; kept ${this.recordings.retentionDays} days`,
    });
    new CfnOutput(this, 'RecordingsKeyArn', { value: this.recordings.key.keyArn });
    new CfnOutput(this, 'OpsTopicArn', { value: this.opsTopic.topicArn });
  }
}
