/**
 * Pages ops when the monthly billing run has not completed by its deadline (06:00 Asia/Shanghai on the 1st).
 * functions/jobs/billing-monthly.ts and billing-worker.ts emit `BillingRunCompleted` (Powertools metrics:
 * namespace POWERTOOLS_METRICS_NAMESPACE, dimension `service`) when the last batch of a run is done.
 *
 * Why a composite alarm and a scheduled marker rather than one metric alarm: the run happens once a month,
 * and a metric alarm can neither look back a month (an hourly alarm evaluates at most a day) nor tell the
 * 1st in Shanghai from any other day; an alarm on "no completion in the last N hours" with missing data
 * breaching is in ALARM nearly all month. So:
 *  - `NoCompletion`: BillingRunCompleted's hourly Sum is below 1 in each of the last 8 hours, missing data
 *    BREACHING (no data is exactly the failure: nothing completed). No action of its own.
 *  - `DeadlineReached`: EventBridge Scheduler puts `BillingRunDeadline` = 1 at the deadline (cron in the
 *    business time zone); this alarm is in ALARM for the hour after it.
 *  - `Missed` (composite) = both in ALARM: notifies once, at the deadline, when the 8 hours before it (the
 *    whole run window from 00:10) saw no completion, including when the run never started.
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { schedulerPrincipal } from './job-schedules.js';
import { acknowledgeWildcardResource } from './nag-acknowledgements.js';

export const BILLING_RUN_COMPLETED_METRIC = 'BillingRunCompleted';
export const BILLING_RUN_DEADLINE_METRIC = 'BillingRunDeadline';
/** Hours before the deadline searched for a completion: covers the run from 00:10 to a 06:00 deadline. */
export const BILLING_RUN_LOOKBACK_HOURS = 8;

export interface BillingRunAlarmsProps {
  readonly topic: sns.ITopic;
  /** Powertools metrics namespace and `service` dimension of the billing functions. */
  readonly namespace: string;
  readonly service: string;
  /** Business time zone of the deadline. */
  readonly timeZone: string;
  /** Hour of the 1st by which the run must have completed. @default 6 */
  readonly deadlineHour?: number;
}

export class BillingRunAlarms extends Construct {
  readonly noCompletion: cloudwatch.Alarm;
  readonly deadlineReached: cloudwatch.Alarm;
  readonly missed: cloudwatch.CompositeAlarm;
  readonly deadlineMarker: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: BillingRunAlarmsProps) {
    super(scope, id);
    const deadlineHour = props.deadlineHour ?? 6;
    if (!Number.isInteger(deadlineHour) || deadlineHour < 0 || deadlineHour > 23) {
      throw new Error(`deadlineHour must be an hour from 0 to 23, got ${deadlineHour}`);
    }
    const hourly = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: props.namespace,
        metricName,
        dimensionsMap: { service: props.service },
        statistic: 'Sum',
        period: Duration.hours(1),
      });

    this.noCompletion = new cloudwatch.Alarm(this, 'NoCompletion', {
      metric: hourly(BILLING_RUN_COMPLETED_METRIC),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: BILLING_RUN_LOOKBACK_HOURS,
      datapointsToAlarm: BILLING_RUN_LOOKBACK_HOURS,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `No billing run completed in the last ${BILLING_RUN_LOOKBACK_HOURS} h (input of the billing-run deadline alarm; in ALARM most of the month, no action)`,
    });
    this.deadlineReached = new cloudwatch.Alarm(this, 'DeadlineReached', {
      metric: hourly(BILLING_RUN_DEADLINE_METRIC),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `The monthly billing deadline (${deadlineHour}:00 ${props.timeZone} on the 1st) passed within the hour (input of the billing-run deadline alarm, no action)`,
    });
    this.missed = new cloudwatch.CompositeAlarm(this, 'Missed', {
      alarmRule: cloudwatch.AlarmRule.allOf(
        cloudwatch.AlarmRule.fromAlarm(this.deadlineReached, cloudwatch.AlarmState.ALARM),
        cloudwatch.AlarmRule.fromAlarm(this.noCompletion, cloudwatch.AlarmState.ALARM),
      ),
      alarmDescription: `Monthly billing run not completed by ${deadlineHour}:00 ${props.timeZone} on the 1st: check billing-monthly, the billing queue and its dead letters`,
    });
    this.missed.addAlarmAction(new actions.SnsAction(props.topic));

    const role = new iam.Role(this, 'MarkerRole', {
      description: 'EventBridge Scheduler marks the monthly billing deadline in CloudWatch',
      assumedBy: schedulerPrincipal(this),
    });
    this.deadlineMarker = new scheduler.Schedule(this, 'DeadlineMarker', {
      description: 'hotline400: marks the monthly billing deadline (BillingRunDeadline metric)',
      schedule: scheduler.ScheduleExpression.expression(
        `cron(0 ${deadlineHour} 1 * ? *)`,
        TimeZone.of(props.timeZone),
      ),
      timeWindow: scheduler.TimeWindow.off(),
      target: new targets.Universal({
        service: 'cloudwatch',
        action: 'putMetricData',
        role,
        retryAttempts: 3,
        maxEventAge: Duration.minutes(30),
        input: scheduler.ScheduleTargetInput.fromObject({
          Namespace: props.namespace,
          MetricData: [
            {
              MetricName: BILLING_RUN_DEADLINE_METRIC,
              Dimensions: [{ Name: 'service', Value: props.service }],
              Value: 1,
              Unit: 'Count',
            },
          ],
        }),
        policyStatements: [
          new iam.PolicyStatement({
            actions: ['cloudwatch:PutMetricData'],
            resources: ['*'],
            conditions: { StringEquals: { 'cloudwatch:namespace': props.namespace } },
          }),
        ],
      }),
    });
    acknowledgeWildcardResource(
      role,
      '*',
      `cloudwatch:PutMetricData has no resource-level permissions; limited by condition to the ${props.namespace} namespace`,
    );
  }
}
