/**
 * The work queues with the real registries: each worker consumes its own encrypted queue (its batch size,
 * partial batch failures, at most 2 at once), which redrives to an alarmed dead-letter queue; the senders
 * (named, or every row with the queue's capability) and a worker that backs off by sending again get the
 * queue URL and sqs:SendMessage; the routing apply route no longer reaches Connect itself, and only the
 * notifier sends e-mail or SMS.
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

  /** The named senders and every row granted the queue's sender capability. */
  const sendersOf = (row: (typeof WORK_QUEUES)[number]) => [
    ...row.senders,
    ...[...FUNCTIONS, ...JOBS, ...ROUTES]
      .filter((r) => row.senderCapability && r.capabilities?.includes(row.senderCapability))
      .map((r) => r.id),
  ];

  it.each(WORK_QUEUES.map((row) => [row.id, row] as const))(
    '%s: the worker consumes it in its batches; it redrives to an alarmed dead-letter queue',
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
        BatchSize: row.batchSize ?? 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: WORK_QUEUE_EVENT_SOURCE.maxConcurrency },
      });
      const alarms = resources(built.statelessTemplate, 'AWS::CloudWatch::Alarm').map(([a]) => a);
      expect(alarms.some((a) => a.includes(`${id}DeadLetters`))).toBe(true);
      expect(alarms.some((a) => a.includes(`${id}Queue`))).toBe(true);
      const senders = sendersOf(row);
      for (const sender of [...(row.workerRequeues === false ? [] : [row.worker]), ...senders]) {
        const variables = functionProperties(built, fn(sender)).Environment.Variables as Record<
          string,
          unknown
        >;
        expect(variables[row.env], sender).toBeDefined();
        expect(statementsOf(built, fn(sender)).flatMap(actionsOf), sender).toContain('sqs:SendMessage');
      }
      if (row.workerRequeues === false)
        expect(statementsOf(built, fn(row.worker)).flatMap(actionsOf)).not.toContain('sqs:SendMessage');
    },
  );

  it('sends every notification through the notifications queue: 13 API routes and 13 other functions hand over', () => {
    const row = WORK_QUEUES.find((q) => q.name === 'notifications');
    if (!row) throw new Error('no notifications queue');
    const senders = sendersOf(row);
    expect(senders.filter((id) => ROUTES.some((r) => r.id === id)).sort()).toEqual([
      'approveCredit',
      'confirmRefundFailure',
      'createCredit',
      'decideApplication',
      'decideTransfer',
      'requestCancellation',
      'requestRefund',
      'requestTransfer',
      'resolveParkedCall',
      'resumeNumber',
      'settleRefund',
      'suspendNumber',
      'withdrawCancellation',
    ]);
    expect(senders.filter((id) => !ROUTES.some((r) => r.id === id))).toHaveLength(13);
  });

  it('lets only the notifier send e-mail and read the SMS key', () => {
    const app = buildTestApp({
      routes: ROUTES,
      functions: FUNCTIONS,
      jobs: JOBS,
      context: {
        notifyEmailFrom: 'alerts@notify.hotline400.example.cn',
        aliyunSmsSignName: '四零零热线',
        aliyunSmsTemplateCodes: '{"zh-CN":{"low_balance":"SMS_465000001"}}',
      },
    });
    const secretId = app.stateful.getLogicalId(app.stateful.smsSecret.node.defaultChild as never);
    const messaging: string[] = [];
    for (const [id, hotline] of app.stateless.functions) {
      const statements = statementsOf(app, hotline);
      const sends = statements.flatMap(actionsOf).some((a) => a.startsWith('ses:'));
      const readsKey = statements.some((st) => JSON.stringify(st.Resource ?? '').includes(secretId));
      if (sends || readsKey) messaging.push(id);
    }
    expect(messaging).toEqual(['notifier']);
  });

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
