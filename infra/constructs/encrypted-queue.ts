/**
 * An SQS queue as every queue here should be: KMS-encrypted, TLS only, kept 14 days. Used for dead-letter
 * queues and on-failure destinations (which have no queue of their own behind them) and, with `deadLetters`,
 * for work queues that redrive into one.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface EncryptedQueueProps {
  /** Customer-managed key; without it SQS's own key (alias/aws/sqs) is used. */
  readonly encryptionKey?: kms.IKey;
  /** What lands here, for the acknowledgement reason. */
  readonly purpose: string;
  /** A work queue: failed messages move to this queue after `maxReceiveCount` receives. */
  readonly deadLetters?: { readonly queue: sqs.IQueue; readonly maxReceiveCount: number };
  readonly visibilityTimeout?: Duration;
}

export class EncryptedQueue extends Construct {
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: EncryptedQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: props.encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.KMS_MANAGED,
      encryptionMasterKey: props.encryptionKey,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: props.deadLetters,
    });
    if (!props.deadLetters) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself the dead-letter store for ${props.purpose}; it is alarmed on depth, not redriven`,
      });
    }
  }
}
