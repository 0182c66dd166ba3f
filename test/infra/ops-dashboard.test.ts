import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_METRICS } from '../../infra/constructs/ops-dashboard.js';
import { buildTestApp } from './support/hotline-app.js';
import { resources } from './support/template-queries.js';

/** The dashboard body as CloudFormation will send it (tokens left as their JSON form). */
function dashboardBody(): string {
  const built = buildTestApp();
  const dashboards = resources(built.statelessTemplate, 'AWS::CloudWatch::Dashboard');
  expect(dashboards).toHaveLength(1);
  return JSON.stringify(dashboards[0]?.[1].Properties?.DashboardBody);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('operations dashboard', () => {
  const body = dashboardBody();

  it('is one dashboard per deployment, named after the stack', () => {
    const built = buildTestApp();
    built.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: `${built.stateless.stackName}-operations`,
    });
  });

  it('outputs the ingest failure queue URL the replay command takes', () => {
    const built = buildTestApp();
    built.statelessTemplate.hasOutput('CtrIngestFailuresQueueUrl', {
      Description: Match.stringLikeRegexp('replay-failures'),
    });
  });

  it('has the widgets operators asked for', () => {
    for (const title of [
      'Calls per minute',
      'Routing decisions by action and reason',
      'Contact-record ingest: iterator age',
      'Charges',
      'Failures',
      'API 4xx / 5xx',
      'Job outcomes',
    ])
      expect(body, title).toContain(title);
  });

  it('reads the metrics the code emits, in its namespace and service', () => {
    for (const name of Object.values(DASHBOARD_METRICS)) expect(body, name).toContain(name);
    expect(body).toContain('{hotline400,action,reason,service} MetricName=\\\\\\"CallDecision\\\\\\"');
    expect(body).toContain('{hotline400,job,service} MetricName=\\\\\\"JobRun\\\\\\"');
    expect(body).toContain('\\"service\\",\\"hotline400\\"');
  });

  it('shows the ingest iterator age, API Gateway 4xx/5xx and the failure queues', () => {
    expect(body).toContain('IteratorAge');
    expect(body).toMatch(/AWS\/ApiGateway\\",\\"4xx/);
    expect(body).toMatch(/AWS\/ApiGateway\\",\\"5xx/);
    expect(body).toContain('ApproximateNumberOfMessagesVisible');
    expect(body).toContain('contact-record batches given up (replay)');
    expect(body).toContain('billing dead letters');
  });

  it('names only metrics that some function still emits', () => {
    const sources = [...sourceFiles('functions'), ...sourceFiles('shared')].map((file) =>
      readFileSync(file, 'utf8'),
    );
    const all = sources.join('\n');
    for (const name of Object.values(DASHBOARD_METRICS)) {
      // A literal in a file that emits metrics, or a constant holding the name passed to addMetric.
      const literal = sources.some((source) => source.includes(`'${name}'`) && source.includes('addMetric('));
      const constant = new RegExp(`export const (\\w+) = '${name}';`).exec(all)?.[1];
      const viaConstant = constant !== undefined && new RegExp(`addMetric\\(\\s*${constant}\\b`).test(all);
      expect(literal || viaConstant, `${name} is emitted`).toBe(true);
    }
    expect(all.includes(`'NoSuchMetric'`)).toBe(false);
  });
});
