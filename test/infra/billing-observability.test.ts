import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BILLING_RUN_COMPLETED_METRIC,
  BILLING_RUN_DEADLINE_METRIC,
  BILLING_RUN_LOOKBACK_HOURS,
} from '../../infra/constructs/billing-run-alarms.js';
import { METRICS_NAMESPACE, REPOSITORY_ROOT } from '../../infra/constructs/hotline-function.js';
import { FUNCTIONS } from '../../infra/function-catalogue.js';
import { BILLING_EVENT_SOURCE, BILLING_QUEUE_AGE_ALARM } from '../../infra/stacks/stateless-stack.js';
import { GEO_INDEX_REPO_PATH } from '../../shared/geo/index-file.js';
import { buildTestApp, SAMPLE_FUNCTIONS, type TestApp } from './support/hotline-app.js';
import { policyStatements, resources } from './support/template-queries.js';

type Props = Record<string, any>;

describe('billing run observability', () => {
  let built: TestApp;
  let alarms: [string, Props][];
  beforeAll(() => {
    built = buildTestApp();
    alarms = resources(built.statelessTemplate, 'AWS::CloudWatch::Alarm').map(([id, a]) => [
      id,
      a.Properties as Props,
    ]);
  });
  /** The one alarm on a metric (of the billing queue, for SQS metrics other queues alarm on too). */
  const alarmOn = (metric: string, dimension?: string) => {
    const found = alarms.filter(
      ([, a]) => a.MetricName === metric && (!dimension || JSON.stringify(a.Dimensions).includes(dimension)),
    );
    expect(found, metric).toHaveLength(1);
    return found[0] as [string, Props];
  };

  it('watches the metric the billing functions really emit (name, Powertools namespace, service dimension)', () => {
    for (const file of ['functions/jobs/billing-monthly.ts', 'functions/jobs/billing-worker.ts']) {
      const source = readFileSync(join(REPOSITORY_ROOT, file), 'utf8');
      expect(source, file).toContain(`addMetric('${BILLING_RUN_COMPLETED_METRIC}'`);
    }
    const [, completed] = alarmOn(BILLING_RUN_COMPLETED_METRIC);
    expect(completed).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: 'hotline400' }],
      Statistic: 'Sum',
      Period: 3600,
    });
  });

  it('counts a missing completion as breaching over the hours before the deadline', () => {
    const [, completed] = alarmOn(BILLING_RUN_COMPLETED_METRIC);
    expect(completed).toMatchObject({
      TreatMissingData: 'breaching',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: BILLING_RUN_LOOKBACK_HOURS,
      DatapointsToAlarm: BILLING_RUN_LOOKBACK_HOURS,
    });
    // The lookback must reach back past the run's start (00:10) from a 06:00 deadline, and stay under a day.
    expect(BILLING_RUN_LOOKBACK_HOURS).toBeGreaterThanOrEqual(7);
    expect(BILLING_RUN_LOOKBACK_HOURS).toBeLessThan(24);
  });

  it('marks the deadline at 06:00 Asia/Shanghai on the 1st with a namespaced PutMetricData', () => {
    const markers = resources(built.statelessTemplate, 'AWS::Scheduler::Schedule');
    expect(markers).toHaveLength(1);
    const props = markers[0]?.[1].Properties as Props;
    expect(props.ScheduleExpression).toBe('cron(0 6 1 * ? *)');
    expect(props.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
    expect(JSON.stringify(props.Target.Arn)).toContain(':scheduler:::aws-sdk:cloudwatch:putMetricData');
    expect(JSON.parse(props.Target.Input)).toEqual({
      Namespace: METRICS_NAMESPACE,
      MetricData: [
        {
          MetricName: BILLING_RUN_DEADLINE_METRIC,
          Dimensions: [{ Name: 'service', Value: 'hotline400' }],
          Value: 1,
          Unit: 'Count',
        },
      ],
    });
    const roleId = props.Target.RoleArn['Fn::GetAtt'][0] as string;
    const statements = resources(built.statelessTemplate, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties?.Roles).includes(`"${roleId}"`))
      .flatMap(([, p]) => policyStatements(p));
    expect(statements).toEqual([
      expect.objectContaining({
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } },
      }),
    ]);
    const [, deadline] = alarmOn(BILLING_RUN_DEADLINE_METRIC);
    expect(deadline).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: 'hotline400' }],
      TreatMissingData: 'notBreaching',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  it('notifies ops once, through a composite of both inputs, which themselves have no action', () => {
    const [completedId, completed] = alarmOn(BILLING_RUN_COMPLETED_METRIC);
    const [deadlineId, deadline] = alarmOn(BILLING_RUN_DEADLINE_METRIC);
    expect(completed.AlarmActions).toBeUndefined();
    expect(deadline.AlarmActions).toBeUndefined();
    const composites = resources(built.statelessTemplate, 'AWS::CloudWatch::CompositeAlarm');
    expect(composites).toHaveLength(1);
    const composite = composites[0]?.[1].Properties as Props;
    const rule = JSON.stringify(composite.AlarmRule);
    expect(rule).toMatch(/^"?\{?.*ALARM\(.*\) AND ALARM\(.*\)/);
    expect(rule).toContain(completedId);
    expect(rule).toContain(deadlineId);
    expect(composite.AlarmActions).toHaveLength(1);
    expect(JSON.stringify(composite.AlarmActions)).toContain('OpsTopic');
  });

  it("alarms on the billing queue's oldest message age", () => {
    // The notifications work queue has an age alarm of its own (test/infra/work-queues.test.ts).
    const [, age] = alarmOn('ApproximateAgeOfOldestMessage', 'BillingQueue');
    expect(age).toMatchObject({
      Namespace: 'AWS/SQS',
      Threshold: BILLING_QUEUE_AGE_ALARM.toSeconds(),
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(JSON.stringify(age.Dimensions)).toContain('BillingQueue');
    expect(age.AlarmActions).toHaveLength(1);
  });

  it('runs up to 20 billing batches at once', () => {
    expect(BILLING_EVENT_SOURCE.maxConcurrency).toBe(20);
    const mappings = built.statelessTemplates
      .flatMap((t) => resources(t, 'AWS::Lambda::EventSourceMapping'))
      .filter(([, m]) => JSON.stringify(m.Properties?.EventSourceArn).includes('BillingQueue'));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties?.ScalingConfig).toEqual({ MaximumConcurrency: 20 });
  });

  it('has no billing-run alarms when no billing worker is deployed', () => {
    const without = buildTestApp({ functions: SAMPLE_FUNCTIONS.filter((f) => f.id !== 'billingWorker') });
    without.statelessTemplate.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 0);
    without.statelessTemplate.resourceCountIs('AWS::Scheduler::Schedule', 0);
  });
});

describe('the geo index beside the contact-record consumer', () => {
  it('lists shared/geo/data/cn-geo.bin as an asset of the real ctrIngest and routeCall rows', () => {
    for (const id of ['ctrIngest', 'routeCall']) {
      const row = FUNCTIONS.find((f) => f.id === id);
      expect(row?.assets, id).toEqual([GEO_INDEX_REPO_PATH]);
    }
    expect(GEO_INDEX_REPO_PATH).toBe('shared/geo/data/cn-geo.bin');
  });
});
