/**
 * Alarms of payments, to the ops topic: a reconciliation that found differences (missing, extra or another
 * amount against a provider's statement), money received that could not be credited (parked), and a burst
 * of refused notifications (forgeries, or our keys out of date). Metrics: shared/runtime/payments.ts.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PAYMENT_METRICS } from '../../shared/ports/payments.js';

export interface PaymentAlarmsProps {
  readonly topic: sns.ITopic;
  readonly namespace: string;
  readonly service: string;
  /** Refused notifications in 5 minutes that raise the alarm. @default 10 */
  readonly refusedThreshold?: number;
}

export class PaymentAlarms extends Construct {
  constructor(scope: Construct, id: string, props: PaymentAlarmsProps) {
    super(scope, id);
    const metric = (metricName: string, period: Duration) =>
      new cloudwatch.Metric({
        namespace: props.namespace,
        metricName,
        dimensionsMap: { service: props.service },
        statistic: 'Sum',
        period,
      });
    const alarm = (alarmId: string, m: cloudwatch.Metric, threshold: number, description: string) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        metric: m,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(new actions.SnsAction(props.topic));
    };
    alarm(
      'ReconciliationDifferences',
      metric(PAYMENT_METRICS.reconciliationDifferences, Duration.hours(1)),
      1,
      "Payments differ from a provider's statement: see the payments-reconciliation job's log",
    );
    alarm(
      'NotificationsParked',
      metric(PAYMENT_METRICS.parked, Duration.minutes(5)),
      1,
      'A verified payment could not be credited (amount, currency, unknown order or paid twice): GET /v1/payments/parked',
    );
    alarm(
      'NotificationsRefused',
      metric(PAYMENT_METRICS.refused, Duration.minutes(5)),
      props.refusedThreshold ?? 10,
      'Many payment notifications refused: forgeries, or the merchant secret is out of date',
    );
  }
}
