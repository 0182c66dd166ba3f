/**
 * Enforcement of the routing decision's maxDurationSeconds (Connect bounds neither a transfer to a phone
 * number nor a queued call): arm-call-limit, invoked by the contact flow, sends a pending stop to this
 * queue with a delay; stop-contact receives it, delays it again while not due (SQS delays stop at 15
 * minutes) and finally calls Connect StopContact. Failed messages redrive to an alarmed dead-letter queue.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CALL_LIMIT_ARM_FAILURES_METRIC } from '../../shared/domain/routing/call-limit.js';
import type { ConnectWiring } from './contact-center.js';
import { EncryptedQueue } from './encrypted-queue.js';
import { type HotlineFunction, METRICS_NAMESPACE, SERVICE_NAME } from './hotline-function.js';
import type { OpsAlarms } from './ops-alarms.js';

export const CALL_LIMITS_QUEUE_ENV = 'CALL_LIMITS_QUEUE_URL';

/** The stop-contact event source: small batches and no batching window (a stop should not wait). */
export const CALL_LIMIT_EVENT_SOURCE = { batchSize: 10, reportBatchItemFailures: true } as const;

/** A pending stop is at most 15 minutes away on the queue; older means stop-contact is stuck. */
export const CALL_LIMIT_QUEUE_AGE_ALARM = Duration.minutes(20);

export interface CallLimitsProps {
  readonly encryptionKey?: kms.IKey;
  readonly alarms: OpsAlarms;
  /** The ops topic: notified when limited calls go unarmed. */
  readonly opsTopic: sns.ITopic;
}

export class CallLimits extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: CallLimitsProps) {
    super(scope, id);
    this.deadLetters = new EncryptedQueue(this, 'DeadLetters', {
      encryptionKey: props.encryptionKey,
      purpose: 'call-limit stops that failed every retry (contact and instance ids, stop instant)',
    }).queue;
    this.queue = new EncryptedQueue(this, 'Pending', {
      encryptionKey: props.encryptionKey,
      purpose: 'pending stops of limited calls',
      deadLetters: { queue: this.deadLetters, maxReceiveCount: 5 },
      // Six times stop-contact's timeout, as AWS advises for Lambda event sources.
      visibilityTimeout: Duration.seconds(60),
    }).queue;
    props.alarms.forQueueDepth('CallLimitDeadLetters', this.deadLetters, 'call-limit stops given up on');
    props.alarms.forQueueAge('CallLimitQueue', this.queue, CALL_LIMIT_QUEUE_AGE_ALARM, 'call-limits queue');
    // arm-call-limit never fails a call (so its Lambda errors alarm stays quiet): it counts failures instead.
    const unarmed = new cloudwatch.Alarm(this, 'ArmFailures', {
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: CALL_LIMIT_ARM_FAILURES_METRIC,
        dimensionsMap: { service: SERVICE_NAME },
        period: Duration.minutes(5),
        statistic: 'Sum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'armCallLimit: limited calls connected without a stop (their length is unbounded)',
    });
    unarmed.addAlarmAction(new actions.SnsAction(props.opsTopic));
  }

  /** arm-call-limit: sends pending stops. */
  useForArming(fn: HotlineFunction): void {
    fn.useQueue(CALL_LIMITS_QUEUE_ENV, this.queue);
  }

  /** stop-contact: consumes the queue, sends not-yet-due stops on, and may stop contacts of the instance. */
  useForStopping(fn: HotlineFunction, connect: ConnectWiring): void {
    fn.useQueue(CALL_LIMITS_QUEUE_ENV, this.queue);
    fn.function.addEventSource(new SqsEventSource(this.queue, CALL_LIMIT_EVENT_SOURCE));
    connect.grantStopContact(fn);
  }
}
