/**
 * The call-limit wiring with the real registries and contact flow: the flow invokes arm-call-limit (which
 * Connect may invoke and which is associated with the instance), arm-call-limit sends to the call-limits
 * queue, stop-contact consumes it and may stop only this instance's contacts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CALL_LIMITS_QUEUE_ENV } from '../../infra/constructs/call-limits.js';
import { FUNCTIONS, JOBS } from '../../infra/function-catalogue.js';
import { loadContactFlowBuilder } from '../../infra/stacks/hotline-app.js';
import {
  ARM_CALL_LIMIT_ID,
  functionGroup,
  ROUTE_CALL_ID,
  STOP_CONTACT_ID,
} from '../../infra/stacks/stateless-stack.js';
import { CALL_LIMIT_ARM_FAILURES_METRIC } from '../../shared/domain/routing/call-limit.js';
import { ROUTES } from '../../shared/http/routes.js';
import { buildTestApp, IMPORTED_INSTANCE_ARN, type TestApp } from './support/hotline-app.js';
import {
  actionsOf,
  functionProperties,
  resources,
  resourcesIn,
  statementsOf,
} from './support/template-queries.js';

describe('call-limit enforcement wiring', () => {
  let built: TestApp;
  beforeAll(async () => {
    const buildContactFlow = await loadContactFlowBuilder();
    built = buildTestApp({
      routes: ROUTES,
      functions: FUNCTIONS,
      jobs: JOBS,
      buildContactFlow,
      connectInstanceArn: IMPORTED_INSTANCE_ARN,
    });
  });
  const fn = (id: string) => {
    const found = built.stateless.functions.get(id);
    if (!found) throw new Error(`no function ${id}`);
    return found;
  };

  it('catalogues both functions; arm-call-limit lives beside route-call (the flow depends on it)', () => {
    const ids = FUNCTIONS.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining([ROUTE_CALL_ID, ARM_CALL_LIMIT_ID, STOP_CONTACT_ID]));
    const entry = (id: string) => FUNCTIONS.find((f) => f.id === id)?.entry ?? '';
    expect(functionGroup('function', ARM_CALL_LIMIT_ID, entry(ARM_CALL_LIMIT_ID))).toBe('CallRouting');
    expect(functionGroup('function', STOP_CONTACT_ID, entry(STOP_CONTACT_ID))).toBe('Workers');
  });

  it('associates arm-call-limit with the instance, lets Connect invoke it, and the flow names it', () => {
    const template = built.statelessTemplate;
    const associations = resources(template, 'AWS::Connect::IntegrationAssociation');
    expect(associations).toHaveLength(2);
    const [flowId, flow] = resources(template, 'AWS::Connect::ContactFlow')[0] ?? [];
    expect(flowId).toBeDefined();
    const content = JSON.stringify(flow?.Properties?.Content);
    const armOutput = (arn: unknown) => JSON.stringify(arn).includes('armCallLimitFunction');
    const arm = associations.find(([, a]) => armOutput(a.Properties?.IntegrationArn));
    expect(arm, 'an association of armCallLimit').toBeDefined();
    // The flow's arm blocks (transfer and queue) invoke exactly that ARN (the nested stack's output).
    const armArn = JSON.stringify(arm?.[1].Properties?.IntegrationArn);
    expect(content.split(armArn).length - 1).toBe(2);
    expect(content).toMatch(/transfer-arm-limit/);
    expect(content).toMatch(/queue-arm-limit/);
    const dependsOn = (template.toJSON().Resources[flowId as string].DependsOn ?? []) as string[];
    for (const [id] of associations) expect(dependsOn).toContain(id);
    const permissions = resources(
      built.templateOf(fn(ARM_CALL_LIMIT_ID).function),
      'AWS::Lambda::Permission',
    );
    expect(
      permissions.some(
        ([, p]) =>
          p.Properties?.Principal === 'connect.amazonaws.com' &&
          p.Properties?.SourceArn === IMPORTED_INSTANCE_ARN,
      ),
    ).toBe(true);
  });

  it('gives both functions the queue, stop-contact its event source and StopContact on the contacts only', () => {
    for (const id of [ARM_CALL_LIMIT_ID, STOP_CONTACT_ID]) {
      const variables = functionProperties(built, fn(id)).Environment.Variables as Record<string, unknown>;
      expect(variables[CALL_LIMITS_QUEUE_ENV], id).toBeDefined();
      expect(statementsOf(built, fn(id)).flatMap(actionsOf)).toContain('sqs:SendMessage');
    }
    const arm = statementsOf(built, fn(ARM_CALL_LIMIT_ID)).flatMap(actionsOf);
    expect(arm.filter((a) => a.startsWith('connect:'))).toEqual([]);
    const stop = statementsOf(built, fn(STOP_CONTACT_ID));
    const connectStatements = stop.filter((s) => actionsOf(s).some((a) => a.startsWith('connect:')));
    expect(connectStatements).toHaveLength(1);
    expect(actionsOf(connectStatements[0] as never)).toEqual(['connect:StopContact']);
    expect(connectStatements[0]?.Resource).toBe(`${IMPORTED_INSTANCE_ARN}/contact/*`);
    const mappings = resourcesIn(built.statelessTemplates, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => JSON.stringify(m.Properties?.FunctionName).includes('stopContact'),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('redrives failed stops to an alarmed dead-letter queue', () => {
    const queues = resources(built.statelessTemplate, 'AWS::SQS::Queue').filter(([id]) =>
      id.startsWith('CallLimits'),
    );
    expect(queues).toHaveLength(2);
    const pending = queues.find(([, q]) => q.Properties?.RedrivePolicy !== undefined);
    expect(pending?.[1].Properties).toMatchObject({ RedrivePolicy: { maxReceiveCount: 5 } });
    const alarms = resources(built.statelessTemplate, 'AWS::CloudWatch::Alarm').map(([id]) => id);
    expect(alarms.some((id) => id.includes('CallLimitDeadLetters'))).toBe(true);
    expect(alarms.some((id) => id.includes('CallLimitQueue'))).toBe(true);
  });

  it('alarms on limited calls connected without a stop (the metric arm-call-limit publishes)', () => {
    const alarm = resources(built.statelessTemplate, 'AWS::CloudWatch::Alarm').find(([id]) =>
      id.includes('ArmFailures'),
    );
    expect(alarm?.[1].Properties).toMatchObject({
      MetricName: CALL_LIMIT_ARM_FAILURES_METRIC,
      Namespace: 'hotline400',
      Dimensions: [{ Name: 'service', Value: 'hotline400' }],
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm?.[1].Properties?.AlarmActions).toHaveLength(1);
  });
});
