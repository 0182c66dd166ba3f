/**
 * The notifier's refused recipients are alarmed beside its queue's alarms: one alarm per channel on the metric
 * the notifier really emits (its Powertools EMF: name, namespace, `service` and `channel` dimensions, which
 * CloudWatch matches exactly), at least one in an hour, missing data not breaching, to the ops topic like the
 * queue's dead-letter alarm; none without a notifier. Alerts the alert outbox parks (refused for good by the
 * notifications port) have one alarm, on the metric the outbox's reporter emits.
 */
import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../infra/constructs/hotline-function.js';
import { FUNCTIONS } from '../../infra/function-catalogue.js';
import { NOTIFIER_ID } from '../../infra/stacks/stateless-stack.js';
import type { DeliveryOutcome } from '../../shared/app/notifications/deliver-notification.js';
import { reportParkedAlert } from '../../shared/runtime/ledger.js';
import { reportUndeliverable } from '../../shared/runtime/notifications.js';
import { emittedBy } from './support/emitted-metrics.js';
import { buildTestApp } from './support/hotline-app.js';
import { functionProperties, resourcesIn } from './support/template-queries.js';

type Props = Record<string, any>;

const notifierRow = FUNCTIONS.filter((row) => row.id === NOTIFIER_ID);

/** The EMF documents the notifier would write for `outcome`'s refused recipients. */
const emittedMetrics = (outcome: DeliveryOutcome) => emittedBy(() => reportUndeliverable(outcome));

describe('alarms on recipients the notifier could not reach', () => {
  const built = buildTestApp({ routes: [], functions: notifierRow, jobs: [] });
  const alarms = resourcesIn(built.statelessTemplates, 'AWS::CloudWatch::Alarm');
  const undeliverable = alarms
    .filter(([, a]) => (a.Properties as Props).MetricName === 'NotifierUndeliverable')
    .map(([id, a]) => [id, a.Properties as Props] as const);

  it('raises one alarm per channel, ≥ 1 refusal in an hour, missing data not breaching, to the ops topic', () => {
    expect(notifierRow).toHaveLength(1);
    expect(undeliverable.map(([id]) => id.replace(/[A-F0-9]{8}$/, '')).sort()).toEqual([
      'AlarmsNotifierUndeliverableEmail',
      'AlarmsNotifierUndeliverableSms',
    ]);
    const deadLetters = alarms.find(([id]) => id.startsWith('AlarmsNotificationsDeadLetters'))?.[1]
      .Properties as Props;
    expect(deadLetters).toBeDefined();
    for (const channel of ['email', 'sms']) {
      const alarm = undeliverable.find(([, a]) =>
        a.Dimensions.some((d: Props) => d.Name === 'channel' && d.Value === channel),
      )?.[1];
      expect(alarm, channel).toMatchObject({
        Namespace: 'hotline400',
        MetricName: 'NotifierUndeliverable',
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      // Exactly these two (CDK writes them sorted by name; CloudWatch matches the set, in any order).
      expect(alarm?.Dimensions).toEqual([
        { Name: 'channel', Value: channel },
        { Name: 'service', Value: 'hotline400' },
      ]);
      // The same action as the notifications queue's dead-letter alarm: the ops topic.
      expect(alarm?.AlarmActions).toHaveLength(1);
      expect(alarm?.AlarmActions).toEqual(deadLetters.AlarmActions);
      expect(alarm?.AlarmDescription).toContain('PUT /v1/account/alerts');
      expect(alarm?.AlarmDescription).toContain('GET /v1/review/undelivered-alerts');
    }
    expect(undeliverable.find(([id]) => id.includes('Sms'))?.[1].AlarmDescription).toContain('alert phones');
    expect(undeliverable.find(([id]) => id.includes('Email'))?.[1].AlarmDescription).toContain(
      'alert e-mails',
    );
  });

  it("matches exactly the metric the notifier emits, in the namespace and service its function's environment sets", async () => {
    const notifier = built.stateless.functions.get(NOTIFIER_ID);
    if (!notifier) throw new Error('no notifier');
    expect(functionProperties(built, notifier).Environment.Variables).toMatchObject({
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    });
    const emitted = await emittedMetrics({
      outcome: 'undeliverable',
      tenantId: 'acme',
      template: 'spend_cap_reached',
      dedupeKey: 'spend_cap#acme#2026-11-26',
      emails: 1,
      sms: 0,
      skipped: 0,
      refused: 0,
      undeliverable: [
        { channel: 'sms', code: 'isv.MOBILE_NUMBER_ILLEGAL' },
        { channel: 'email', code: 'MessageRejected' },
      ],
    });
    expect(emitted).toHaveLength(2);
    for (const [index, channel] of ['sms', 'email'].entries()) {
      const emf = emitted[index] as Props;
      const [directive] = emf._aws.CloudWatchMetrics;
      const alarm = undeliverable.find(([, a]) =>
        a.Dimensions.some((d: Props) => d.Name === 'channel' && d.Value === channel),
      )?.[1] as Props;
      expect(directive.Namespace).toBe(alarm.Namespace);
      expect(directive.Metrics).toEqual([{ Name: alarm.MetricName, Unit: 'Count' }]);
      expect(directive.Dimensions.map((set: string[]) => [...set].sort())).toEqual([
        alarm.Dimensions.map((d: Props) => d.Name).sort(),
      ]);
      for (const d of alarm.Dimensions) expect(emf[d.Name], d.Name).toBe(d.Value);
      expect(emf[alarm.MetricName]).toBe(1);
    }
  });

  it('has no such alarm without a notifier', () => {
    const without = buildTestApp({ routes: [], functions: [], jobs: [] });
    const none = resourcesIn(without.statelessTemplates, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) => (a.Properties as Props).MetricName === 'NotifierUndeliverable',
    );
    expect(none).toHaveLength(0);
  });
});

describe('the alarm on alerts parked in the outbox', () => {
  const built = buildTestApp({ routes: [], functions: [], jobs: [] });
  const parked = resourcesIn(built.statelessTemplates, 'AWS::CloudWatch::Alarm')
    .filter(([, a]) => (a.Properties as Props).MetricName === 'AlertOutboxParked')
    .map(([, a]) => a.Properties as Props);

  it('raises one alarm, ≥ 1 parked alert in an hour, missing data not breaching, to the ops topic', () => {
    expect(parked).toHaveLength(1);
    const apiErrors = resourcesIn(built.statelessTemplates, 'AWS::CloudWatch::Alarm').find(([id]) =>
      id.startsWith('AlarmsApiServerErrors'),
    )?.[1].Properties as Props;
    expect(parked[0]).toMatchObject({
      Namespace: 'hotline400',
      MetricName: 'AlertOutboxParked',
      Dimensions: [{ Name: 'service', Value: 'hotline400' }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(parked[0]?.AlarmActions).toEqual(apiErrors.AlarmActions);
    expect(parked[0]?.AlarmDescription).toContain('OUTBOX#<dedupe key>');
    expect(parked[0]?.AlarmDescription).toContain('GET /v1/review/undelivered-alerts');
  });

  it('matches exactly the metric the outbox reports a parked alert with', async () => {
    const emitted = await emittedBy(() =>
      reportParkedAlert(
        {
          tenantId: 'acme',
          kind: 'low_balance',
          template: 'low_balance',
          params: {},
          dedupeKey: 'low_balance#acme#1',
        },
        { code: 'invalid_message', message: 'not a notification message: notification.dedupeKey: is empty' },
      ),
    );
    expect(emitted).toHaveLength(1);
    const emf = emitted[0] as Props;
    const alarm = parked[0] as Props;
    const [directive] = emf._aws.CloudWatchMetrics;
    expect(directive.Namespace).toBe(alarm.Namespace);
    expect(directive.Metrics).toEqual([{ Name: alarm.MetricName, Unit: 'Count' }]);
    expect(directive.Dimensions).toEqual([alarm.Dimensions.map((d: Props) => d.Name)]);
    for (const d of alarm.Dimensions) expect(emf[d.Name], d.Name).toBe(d.Value);
    expect(emf[alarm.MetricName]).toBe(1);
  });
});
