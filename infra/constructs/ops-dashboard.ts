/**
 * One CloudWatch dashboard per deployment: is the hotline answering, charging and keeping up? Widgets read
 * the metrics the code already emits (Powertools EMF: namespace POWERTOOLS_METRICS_NAMESPACE, dimension
 * `service`, plus the extra dimensions named below) and the AWS metrics of the API, the ingest function
 * and the failure queues. Metrics split by a dimension (reason, route, job) are read with SEARCH, so a new
 * reason or job shows up without a deployment. The notifier's widgets name their metrics and dimensions by the
 * constants the emitting code uses (NOTIFIER_METRICS), so a rename moves both.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CALL_LIMIT_ARM_FAILURES_METRIC } from '../../shared/domain/routing/call-limit.js';
import {
  CHANNELS,
  NOTIFIER_SENT,
  NOTIFIER_UNDELIVERABLE,
  NOTIFIER_WORKER,
} from '../../shared/ports/notifications.js';
import { ALERT_OUTBOX_PARKED_METRIC } from '../../shared/ports/outbox.js';
import { workerMetrics } from '../../shared/ports/work-queue.js';

/**
 * Metric names as the code emits them (functions/**, shared/**); test/infra/ops-dashboard.test.ts checks
 * each is still emitted somewhere, so a rename cannot leave the dashboard silently empty.
 */
export const DASHBOARD_METRICS = {
  /** functions/connect/route-call.ts, dimensions action, reason. */
  callDecision: 'CallDecision',
  /** functions/streams/ctr-ingest.ts. */
  contactRecords: 'contactRecords',
  callsCharged: 'callsCharged',
  callAdjustments: 'callAdjustments',
  contactRecordFailures: 'contactRecordFailures',
  /** functions/jobs/billing-worker.ts. */
  billingChargesPosted: 'BillingChargesPosted',
  billingBatchFailures: 'BillingBatchFailures',
  billingRunCompleted: 'BillingRunCompleted',
  /** functions/connect/*. */
  callLimitArmFailures: CALL_LIMIT_ARM_FAILURES_METRIC,
  callLimitStopFailures: 'CallLimitStopFailures',
  /** shared/http/api-handler.ts, dimension route. */
  apiClientError: 'ClientError',
  apiServerError: 'ServerError',
  rateLimited: 'RateLimited',
  /** shared/runtime/job-handler.ts, dimension job. */
  jobRun: 'JobRun',
  jobItemFailures: 'JobItemFailures',
} as const;

/**
 * The notifier's metrics and the alert outbox's, as the code emits them (shared/runtime/notifications.ts,
 * queue-worker.ts, ledger.ts); test/infra/ops-dashboard.test.ts matches the widgets to what those reporters
 * really write.
 */
export const NOTIFIER_METRICS = {
  /** Recipients reached (delivery records written as delivered), dimension channel. */
  sent: NOTIFIER_SENT,
  /** Recipients refused for good (delivery records written as refused), dimension channel. */
  undeliverable: NOTIFIER_UNDELIVERABLE,
  /** Messages handled by outcome, and messages failed (redelivered: a send failed for now). */
  worker: workerMetrics(NOTIFIER_WORKER),
  /** Alerts the outbox parked: refused for good by the notifications port. */
  alertsParked: ALERT_OUTBOX_PARKED_METRIC,
} as const;

export interface OpsDashboardProps {
  /** Powertools namespace and `service` dimension of every function. */
  readonly namespace: string;
  readonly service: string;
  readonly api: apigwv2.IHttpApi;
  /** The contact-record consumer (iterator age), when deployed. */
  readonly ctrIngest?: lambda.IFunction;
  /** Queues whose depth is failed work to look at (on-failure destinations, dead letters), by label. */
  readonly failureQueues?: Readonly<Record<string, sqs.IQueue>>;
  /** @default `<stack name>-operations` */
  readonly dashboardName?: string;
}

const MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

export class OpsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OpsDashboardProps) {
    super(scope, id);
    const ours = (
      metricName: string,
      label: string,
      period = FIVE_MINUTES,
      dimensions: Readonly<Record<string, string>> = {},
    ) =>
      new cloudwatch.Metric({
        namespace: props.namespace,
        metricName,
        dimensionsMap: { ...dimensions, service: props.service },
        statistic: 'Sum',
        period,
        label,
      });
    /** Every series of a metric split by extra dimensions, one line per combination. */
    const split = (
      metricName: string,
      dimensions: readonly string[],
      label?: string,
      period = FIVE_MINUTES,
    ) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${[props.namespace, ...dimensions, 'service'].join(',')}} MetricName="${metricName}" service="${props.service}"', 'Sum', ${period.toSeconds()})`,
        label,
        period,
      });
    const widget = (
      title: string,
      left: cloudwatch.IMetric[],
      options: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, ...options });

    const m = DASHBOARD_METRICS;
    const n = NOTIFIER_METRICS;
    /** One line per channel of a notifier metric counted by channel. */
    const perChannel = (metric: { metric: string; dimension: string }, what: string) =>
      CHANNELS.map((channel) =>
        ours(metric.metric, `${channel}: ${what}`, FIVE_MINUTES, { [metric.dimension]: channel }),
      );
    const callsPerMinute = new cloudwatch.MathExpression({
      expression: `SUM(SEARCH('{${props.namespace},action,reason,service} MetricName="${m.callDecision}" service="${props.service}"', 'Sum', 60))`,
      label: 'calls routed per minute',
      period: MINUTE,
    });
    const widgets: cloudwatch.IWidget[] = [
      widget('Calls per minute', [
        callsPerMinute,
        ours(m.contactRecords, 'contact records ingested', MINUTE),
      ]),
      widget('Routing decisions by action and reason', [split(m.callDecision, ['action', 'reason'])], {
        stacked: true,
      }),
      widget(
        'Contact-record ingest: iterator age (max)',
        props.ctrIngest
          ? [
              props.ctrIngest.metric('IteratorAge', {
                statistic: 'Maximum',
                period: MINUTE,
                label: 'age (ms)',
              }),
            ]
          : [],
      ),
      widget('Charges', [
        ours(m.callsCharged, 'calls charged'),
        ours(m.callAdjustments, 'call adjustments'),
        ours(m.billingChargesPosted, 'billing charges posted'),
      ]),
      widget('Failures', [
        ours(m.contactRecordFailures, 'contact records failed'),
        ours(m.billingBatchFailures, 'billing batches failed'),
        ours(m.callLimitArmFailures, 'call-limit arm failures'),
        ours(m.callLimitStopFailures, 'call-limit stop failures'),
        ...Object.entries(props.failureQueues ?? {}).map(([label, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            statistic: 'Maximum',
            period: FIVE_MINUTES,
            label,
          }),
        ),
      ]),
      widget('API 4xx / 5xx', [
        props.api.metricClientError({ statistic: 'Sum', period: FIVE_MINUTES, label: '4xx (API Gateway)' }),
        props.api.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES, label: '5xx (API Gateway)' }),
        ours(m.rateLimited, '429 rate limited'),
      ]),
      widget('API errors by route (handlers)', [
        split(m.apiClientError, ['route'], '4xx'),
        split(m.apiServerError, ['route'], '5xx'),
      ]),
      widget('Job outcomes', [
        split(m.jobRun, ['job'], 'runs', Duration.hours(1)),
        split(m.jobItemFailures, ['job'], 'item failures', Duration.hours(1)),
        ours(m.billingRunCompleted, 'billing runs completed', Duration.hours(1)),
      ]),
      widget('Notifier: delivery records by channel', [
        ...perChannel(n.sent, 'delivered'),
        ...perChannel(n.undeliverable, 'refused for good (NotifierUndeliverable)'),
      ]),
      widget('Notifications: messages by outcome, retries, parked alerts', [
        split(n.worker.outcome, [n.worker.outcomeDimension]),
        ours(n.worker.failures, 'messages redelivered (a send failed for now)'),
        ours(n.alertsParked, 'alerts parked in the outbox (refused for good)'),
      ]),
    ];
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.hours(6),
      // Two 12-wide graphs per row.
      widgets: widgets.flatMap((_widget, i) => (i % 2 === 0 ? [widgets.slice(i, i + 2)] : [])),
    });
  }
}
