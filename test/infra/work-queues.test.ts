/**
 * The work queues with the real registries: each worker consumes its own encrypted queue (one message at a
 * time, partial batch failures, at most 2 at once), which redrives to an alarmed dead-letter queue; the
 * senders and the worker (which backs off by sending again) get the queue URL and sqs:SendMessage; the
 * routing apply route no longer reaches Connect itself.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { WORK_QUEUES } from '../../infra/catalogue/work-queues.js';
import { WORK_QUEUE_EVENT_SOURCE } from '../../infra/constructs/work-queue.js';
import { FUNCTIONS, JOBS } from '../../infra/function-catalogue.js';
import { ROUTES } from '../../shared/http/routes.js';
import { buildTestApp, type TestApp } from './support/hotline-app.js';
import {
  actionsOf,
  functionProperties,
  resources,
  resourcesIn,
  statementsOf,
} from './support/template-queries.js';

describe('work queues', () => {
  let built: TestApp;
  beforeAll(() => {
    built = buildTestApp({ routes: ROUTES, functions: FUNCTIONS, jobs: JOBS });
  });
  const fn = (id: string) => {
    const found = built.stateless.functions.get(id);
    if (!found) throw new Error(`no function ${id}`);
    return found;
  };

  it('name a catalogued worker and existing senders for each queue', () => {
    const ids = new Set([...FUNCTIONS, ...JOBS, ...ROUTES].map((r) => r.id));
    for (const row of WORK_QUEUES) {
      expect(ids.has(row.worker), row.worker).toBe(true);
      for (const sender of row.senders) expect(ids.has(sender), sender).toBe(true);
    }
  });

  it.each(WORK_QUEUES.map((row) => [row.id, row] as const))(
    '%s: the worker consumes it one message at a time; it redrives to an alarmed dead-letter queue',
    (id, row) => {
      const queues = resources(built.statelessTemplate, 'AWS::SQS::Queue').filter(([logical]) =>
        logical.startsWith(id),
      );
      expect(queues).toHaveLength(2);
      const pending = queues.find(([, q]) => q.Properties?.RedrivePolicy !== undefined)?.[1].Properties;
      expect(pending).toMatchObject({ RedrivePolicy: { maxReceiveCount: row.maxReceiveCount } });
      expect(pending?.KmsMasterKeyId).toBeDefined();
      const timeout = functionProperties(built, fn(row.worker)).Timeout as number;
      expect(pending?.VisibilityTimeout).toBe(timeout * 6);
      const mappings = resourcesIn(built.statelessTemplates, 'AWS::Lambda::EventSourceMapping').filter(
        ([, m]) => JSON.stringify(m.Properties?.FunctionName).includes(row.worker),
      );
      expect(mappings).toHaveLength(1);
      expect(mappings[0]?.[1].Properties).toMatchObject({
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: WORK_QUEUE_EVENT_SOURCE.maxConcurrency },
      });
      const alarms = resources(built.statelessTemplate, 'AWS::CloudWatch::Alarm').map(([a]) => a);
      expect(alarms.some((a) => a.includes(`${id}DeadLetters`))).toBe(true);
      expect(alarms.some((a) => a.includes(`${id}Queue`))).toBe(true);
      for (const sender of [row.worker, ...row.senders]) {
        const variables = functionProperties(built, fn(sender)).Environment.Variables as Record<
          string,
          unknown
        >;
        expect(variables[row.env], sender).toBeDefined();
        expect(statementsOf(built, fn(sender)).flatMap(actionsOf), sender).toContain('sqs:SendMessage');
      }
    },
  );

  it('only the workers reach Connect: the approval and apply routes send to their queue instead', () => {
    const connectActions = (id: string) =>
      statementsOf(built, fn(id))
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('connect:'));
    expect(connectActions('applyRouting')).toEqual([]);
    expect(connectActions('decideApplication')).toEqual([]);
    expect(connectActions('routingApplyWorker')).toEqual(expect.arrayContaining(['connect:CreateQueue']));
    expect(connectActions('numberActivationWorker')).toEqual(
      expect.arrayContaining(['connect:ClaimPhoneNumber']),
    );
  });
});
