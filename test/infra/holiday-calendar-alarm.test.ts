import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE, REPOSITORY_ROOT } from '../../infra/constructs/hotline-function.js';
import { JOBS } from '../../infra/function-catalogue.js';
import { HOLIDAY_CALENDAR_MISSING_METRIC } from '../../shared/domain/routing/holiday-calendar.js';
import { buildTestApp } from './support/hotline-app.js';
import { jobSchedulesIn, resourcesIn } from './support/template-queries.js';

type Props = Record<string, any>;

describe('holiday calendar jobs in the stack', () => {
  const holidayJobs = JOBS.filter((j) => j.name.startsWith('holiday-'));
  const built = buildTestApp({ jobs: holidayJobs });
  const alarms = resourcesIn(built.statelessTemplates, 'AWS::CloudWatch::Alarm').map(
    ([, a]) => a.Properties as Props,
  );

  it('schedules the recompile and the daily check', () => {
    expect(holidayJobs.map((j) => j.name).sort()).toEqual(['holiday-calendar-check', 'holiday-recompile']);
    expect(jobSchedulesIn(built.statelessTemplates)).toHaveLength(2);
  });

  it('alarms on the metric the check job really emits (name, namespace, service dimension)', () => {
    const source = readFileSync(join(REPOSITORY_ROOT, 'functions/jobs/holiday-calendar-check.ts'), 'utf8');
    expect(source).toContain('addMetric(HOLIDAY_CALENDAR_MISSING_METRIC');
    const found = alarms.filter((a) => a.MetricName === HOLIDAY_CALENDAR_MISSING_METRIC);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: 'hotline400' }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(found[0]?.AlarmActions?.length).toBe(1);
  });

  it('has no such alarm when the check job is not deployed', () => {
    const without = buildTestApp({ jobs: holidayJobs.filter((j) => j.name !== 'holiday-calendar-check') });
    const none = resourcesIn(without.statelessTemplates, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) => (a.Properties as Props).MetricName === HOLIDAY_CALENDAR_MISSING_METRIC,
    );
    expect(none).toHaveLength(0);
  });
});
