import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_METRICS, NOTIFIER_METRICS } from '../../infra/constructs/ops-dashboard.js';
import type { DeliveryOutcome } from '../../shared/app/notifications/deliver-notification.js';
import { TestClock } from '../../shared/ports/clock.js';
import { NOTIFIER_WORKER } from '../../shared/ports/notifications.js';
import { reportParkedAlert } from '../../shared/runtime/ledger.js';
import { reportSent, reportUndeliverable } from '../../shared/runtime/notifications.js';
import { resetPorts, useClock } from '../../shared/runtime/ports.js';
import { queueWorker } from '../../shared/runtime/queue-worker.js';
import { emittedBy } from './support/emitted-metrics.js';
import { buildTestApp } from './support/hotline-app.js';
import { resources } from './support/template-queries.js';

type Props = Record<string, any>;

/** The dashboard body as CloudFormation will send it (tokens left as their JSON form). */
function dashboardBody(): string {
  const built = buildTestApp();
  const dashboards = resources(built.statelessTemplate, 'AWS::CloudWatch::Dashboard');
  expect(dashboards).toHaveLength(1);
  return JSON.stringify(dashboards[0]?.[1].Properties?.DashboardBody);
}

/** The dashboard body parsed, its CloudFormation tokens (region, function and queue names) as "<token>". */
function dashboardWidgets(): Props[] {
  const built = buildTestApp();
  const [, dashboard] = resources(built.statelessTemplate, 'AWS::CloudWatch::Dashboard')[0] ?? [];
  const body = dashboard?.Properties?.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const [, parts] = body['Fn::Join'];
  const text = parts.map((part) => (typeof part === 'string' ? part : '<token>')).join('');
  return (JSON.parse(text) as { widgets: Props[] }).widgets;
}

/**
 * One EMF document as the dashboard's metric row names it: [namespace, name, dimension, value, …] in the
 * order CloudWatch graphs take (dimension pairs sorted by name, as CDK writes them).
 */
function rowsOf(emf: Props): string[][] {
  const [directive] = emf._aws.CloudWatchMetrics;
  const [dimensions] = directive.Dimensions as string[][];
  const pairs = [...(dimensions ?? [])].sort().flatMap((d) => [d, String(emf[d])]);
  return directive.Metrics.map((m: { Name: string }) => [directive.Namespace, m.Name, ...pairs]);
}

/** A widget's plain metric rows without their options, and its SEARCH expressions. */
function widgetMetrics(widget: Props | undefined): { rows: string[][]; searches: string[] } {
  const metricRows = (widget?.properties.metrics ?? []) as unknown[][];
  return {
    rows: metricRows
      .filter((row) => typeof row[0] === 'string')
      .map((row) => row.filter((cell): cell is string => typeof cell === 'string')),
    searches: metricRows.flatMap((row) => {
      const expression = (row[0] as Props).expression;
      return typeof expression === 'string' ? [expression] : [];
    }),
  };
}

const OUTCOME: DeliveryOutcome = {
  outcome: 'undeliverable',
  tenantId: 'acme',
  template: 'spend_cap_reached',
  dedupeKey: 'spend_cap#acme#2026-11-26',
  emails: 2,
  sms: 1,
  skipped: 0,
  refused: 0,
  undeliverable: [
    { channel: 'sms', code: 'isv.MOBILE_NUMBER_ILLEGAL' },
    { channel: 'email', code: 'MessageRejected' },
  ],
};

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
      // A literal in a file that emits metrics, or a constant holding the name passed to addMetric (or to the
      // Connect functions' `single`, shared/runtime/call-telemetry.ts).
      const literal = sources.some((source) => source.includes(`'${name}'`) && source.includes('addMetric('));
      const constant = new RegExp(`export const (\\w+) = '${name}';`).exec(all)?.[1];
      const viaConstant =
        constant !== undefined && new RegExp(`(addMetric|single)\\(\\s*${constant}\\b`).test(all);
      expect(literal || viaConstant, `${name} is emitted`).toBe(true);
    }
    expect(all.includes(`'NoSuchMetric'`)).toBe(false);
  });
});

describe('operations dashboard: the notifier and the alert outbox', () => {
  const widgets = dashboardWidgets();
  const titled = (title: string) => widgets.find((w) => w.properties.title === title);

  it('graphs each channel’s delivery records exactly as the notifier counts them: delivered and refused', async () => {
    const emitted = [
      ...(await emittedBy(() => reportSent(OUTCOME))),
      ...(await emittedBy(() => reportUndeliverable(OUTCOME))),
    ];
    // What the notifier writes for 2 e-mails and 1 SMS sent, one SMS and one e-mail refused for good.
    expect(emitted.map((emf) => [rowsOf(emf)[0]?.[1], emf.channel, emf[rowsOf(emf)[0]?.[1] ?? '']])).toEqual([
      ['NotifierSent', 'email', 2],
      ['NotifierSent', 'sms', 1],
      ['NotifierUndeliverable', 'sms', 1],
      ['NotifierUndeliverable', 'email', 1],
    ]);
    const { rows } = widgetMetrics(titled('Notifier: delivery records by channel'));
    expect(rows.sort()).toEqual(emitted.flatMap(rowsOf).sort());
    expect(rows).toContainEqual(['hotline400', 'NotifierSent', 'channel', 'sms', 'service', 'hotline400']);
  });

  it('graphs the notifier’s messages by outcome, its redeliveries and the parked alerts as emitted', async () => {
    // The notifier's queue worker: one message delivered, one whose use case threw (redelivered).
    const outcomes = ['delivered'];
    const worker = queueWorker(
      NOTIFIER_WORKER,
      (body) => body,
      async () => {
        const outcome = outcomes.shift();
        if (!outcome) throw new Error('a send failed for now');
        return { outcome };
      },
    );
    const event = {
      Records: [
        { messageId: 'm1', body: '{}' },
        { messageId: 'm2', body: '{}' },
      ],
    } as SQSEvent;
    // The worker hands each message the clock's instant: a fixed one, not the host's.
    useClock(new TestClock('2026-11-26T04:00:00.000Z'));
    const fromWorker = await emittedBy(() => worker(event, {} as Context)).finally(resetPorts);
    const parked = await emittedBy(() =>
      reportParkedAlert(
        { tenantId: 'acme', kind: 'low_balance', template: 'low_balance', params: {}, dedupeKey: 'k' },
        { code: 'invalid_message', message: 'not a notification message: notification.dedupeKey: is empty' },
      ),
    );
    const [outcome, failures] = fromWorker.flatMap(rowsOf);
    expect(outcome).toEqual([
      'hotline400',
      'NotifierOutcome',
      'outcome',
      'delivered',
      'service',
      'hotline400',
    ]);
    expect(failures).toEqual(['hotline400', 'NotifierFailures', 'service', 'hotline400']);
    expect(parked.flatMap(rowsOf)).toEqual([['hotline400', 'AlertOutboxParked', 'service', 'hotline400']]);

    const { rows, searches } = widgetMetrics(
      titled('Notifications: messages by outcome, retries, parked alerts'),
    );
    expect(rows.sort()).toEqual([failures, ...parked.flatMap(rowsOf)].sort());
    // Outcomes by SEARCH over the schema of exactly the emitted dimensions, so a new outcome shows by itself.
    expect(searches).toEqual([
      `SEARCH('{hotline400,outcome,service} MetricName="NotifierOutcome" service="hotline400"', 'Sum', 300)`,
    ]);
    expect(NOTIFIER_METRICS.worker.outcome).toBe(outcome?.[1]);
  });
});
