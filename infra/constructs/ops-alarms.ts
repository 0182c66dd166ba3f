/**
 * CloudWatch alarms, all notifying the ops topic: function errors and throttles, stream iterator age,
 * dead-letter and on-failure queue depth, work queue age, API 5xx, notification recipients refused for good,
 * alerts the notifications port refused for good (parked in the outbox). Every alarm here treats missing data as
 * fine (no traffic is not an incident); the billing-run deadline (billing-run-alarms.ts) is the exception.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HOLIDAY_CALENDAR_MISSING_METRIC } from '../../shared/domain/routing/holiday-calendar.js';
import { CHANNELS, type Channel, NOTIFIER_UNDELIVERABLE } from '../../shared/ports/notifications.js';
import { ALERT_OUTBOX_PARKED_METRIC } from '../../shared/ports/outbox.js';

/** What a recipient refused for good means on each channel, and what the operator does about it. */
const UNDELIVERABLE_ADVICE: Record<Channel, { id: string; description: string }> = {
  email: {
    id: 'Email',
    description:
      'Notifier: SES refused an e-mail address for good (invalid or rejected address); it is not retried. The tenant sees it (GET /v1/account/alerts/undelivered); find the tenant and code in GET /v1/review/undelivered-alerts or the notifier log (warning "a recipient refused the notification for good") and have the tenant fix its alert e-mails (PUT /v1/account/alerts)',
  },
  sms: {
    id: 'Sms',
    description:
      'Notifier: Aliyun SMS refused a mobile number for good (invalid or unreachable number); it is not retried. The tenant sees it (GET /v1/account/alerts/undelivered); find the tenant and code in GET /v1/review/undelivered-alerts or the notifier log (warning "a recipient refused the notification for good") and have the tenant fix its alert phones (PUT /v1/account/alerts)',
  },
};

const PERIOD = Duration.minutes(5);
/** Contact records older than this at the consumer mean charging lags calls by as much. */
export const ITERATOR_AGE_ALARM_MS = 5 * 60 * 1000;

export class OpsAlarms extends Construct {
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: { readonly topic: sns.ITopic }) {
    super(scope, id);
    this.action = new actions.SnsAction(props.topic);
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }

  forFunction(id: string, fn: lambda.IFunction): void {
    this.alarm(
      `${id}Errors`,
      fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      1,
      `${id}: invocation errors`,
    );
    this.alarm(
      `${id}Throttles`,
      fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
      1,
      `${id}: throttled`,
    );
  }

  forIteratorAge(id: string, fn: lambda.IFunction): void {
    this.alarm(
      `${id}IteratorAge`,
      fn.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' }),
      ITERATOR_AGE_ALARM_MS,
      `${id}: contact records wait more than ${ITERATOR_AGE_ALARM_MS / 60_000} min to be processed`,
    );
  }

  forQueueDepth(id: string, queue: sqs.IQueue, what: string): void {
    this.alarm(
      `${id}Depth`,
      queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      1,
      `${what}: messages waiting (failed work to inspect and redrive)`,
    );
  }

  /** The oldest waiting message is older than `maxAge`: consumers are stuck or far behind. */
  forQueueAge(id: string, queue: sqs.IQueue, maxAge: Duration, what: string): cloudwatch.Alarm {
    return this.alarm(
      `${id}OldestMessageAge`,
      queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      maxAge.toSeconds(),
      `${what}: a message has waited ${maxAge.toMinutes()} min or more (consumers stuck or far behind)`,
    );
  }

  /**
   * The public holiday calendar lacks a year it should have (holiday-calendar-check job, daily): this year,
   * or from 1 December next year. In ALARM for the hour after the run, so it reminds once a day until an
   * operator publishes the year (PUT /v1/holiday-calendars/{year}).
   */
  forMissingHolidayCalendar(namespace: string, service: string): cloudwatch.Alarm {
    return this.alarm(
      'HolidayCalendarMissing',
      new cloudwatch.Metric({
        namespace,
        metricName: HOLIDAY_CALENDAR_MISSING_METRIC,
        dimensionsMap: { service },
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      1,
      'Public holiday calendar not published for this year (or, from 1 December, next year): publish it with PUT /v1/holiday-calendars/{year}',
    );
  }

  /**
   * A recipient refused a notification for good (NotifierUndeliverable, per channel, from the notifier): one
   * alarm per channel, as CloudWatch matches a metric's dimensions exactly. In ALARM for the hour after a
   * refusal; the tenant sees it only in its undelivered alerts, and nobody retries it until its contacts are
   * fixed.
   */
  forUndeliverableNotifications(namespace: string, service: string): cloudwatch.Alarm[] {
    return CHANNELS.map((channel) =>
      this.alarm(
        `NotifierUndeliverable${UNDELIVERABLE_ADVICE[channel].id}`,
        new cloudwatch.Metric({
          namespace,
          metricName: NOTIFIER_UNDELIVERABLE.metric,
          dimensionsMap: { service, [NOTIFIER_UNDELIVERABLE.dimension]: channel },
          statistic: 'Sum',
          period: Duration.hours(1),
        }),
        1,
        UNDELIVERABLE_ADVICE[channel].description,
      ),
    );
  }

  /**
   * An alert was parked in the outbox because the notifications port refused it for good (AlertOutboxParked,
   * from any function that flushes the outbox): the tenant sees it only in its undelivered alerts and nothing
   * retries it. In ALARM for the hour after a parking.
   */
  forParkedAlerts(namespace: string, service: string): cloudwatch.Alarm {
    return this.alarm(
      'AlertOutboxParked',
      new cloudwatch.Metric({
        namespace,
        metricName: ALERT_OUTBOX_PARKED_METRIC,
        dimensionsMap: { service },
        statistic: 'Sum',
        period: Duration.hours(1),
      }),
      1,
      'Alert outbox: the notifications port refused an alert for good (invalid_message); it is parked, not retried, and listed for the tenant (GET /v1/account/alerts/undelivered) and the operators (GET /v1/review/undelivered-alerts). Find the tenant, dedupe key and refusal there, in the logs (error "refused an alert for good") and the ops-table item OUTBOX#<dedupe key> (status parked, refusalCode, refusal); fix the sender',
    );
  }

  forApi(id: string, api: apigwv2.HttpApi): void {
    this.alarm(
      `${id}ServerErrors`,
      api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      1,
      `${id}: 5xx responses`,
    );
  }
}
