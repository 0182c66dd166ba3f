import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ContactFlowBuilder } from '../../infra/constructs/contact-center.js';
import { ITERATOR_AGE_ALARM_MS } from '../../infra/constructs/ops-alarms.js';
import { FUNCTIONS, JOBS } from '../../infra/function-catalogue.js';
import { loadContactFlowBuilder } from '../../infra/stacks/hotline-app.js';
import { functionGroup } from '../../infra/stacks/stateless-stack.js';
import { TEMPLATE_IDS } from '../../shared/domain/notifications/templates.js';
import { ROUTES, type RouteDefinition } from '../../shared/http/routes.js';
import { TABLES, type TableId } from '../../shared/tables.js';
import {
  buildTestApp,
  IMPORTED_INSTANCE_ARN,
  SAMPLE_FUNCTIONS,
  SAMPLE_JOBS,
  SAMPLE_ROUTES,
  type TestApp,
} from './support/hotline-app.js';
import {
  actionsOf,
  functionProperties,
  jobSchedulesIn,
  policyStatements,
  resources,
  resourcesIn,
  type Statement,
  statementsOf,
  statementsOn,
} from './support/template-queries.js';

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

function newestNodeRuntime(): string {
  const versions = Object.keys(lambda.Runtime)
    .map((name) => /^NODEJS_(\d+)_X$/.exec(name)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  return `nodejs${Math.max(...versions)}.x`;
}

describe('stateless stack with sample rows', () => {
  let built: TestApp;
  const tableLogicalId = (id: TableId) =>
    built.stateful.getLogicalId(built.stateful.tables[id].node.defaultChild as CfnTable);
  const fn = (id: string) => {
    const found = built.stateless.functions.get(id);
    if (!found) throw new Error(`no function ${id}`);
    return found;
  };
  beforeAll(() => {
    built = buildTestApp();
  });

  it('creates one function per route, catalogue function and job', () => {
    const expected = SAMPLE_ROUTES.length + SAMPLE_FUNCTIONS.length + SAMPLE_JOBS.length;
    expect(resourcesIn(built.statelessTemplates, 'AWS::Lambda::Function')).toHaveLength(expected);
    expect([...built.stateless.functions.keys()].sort()).toEqual(
      [...SAMPLE_ROUTES, ...SAMPLE_FUNCTIONS, ...SAMPLE_JOBS].map((r) => r.id).sort(),
    );
  });

  it('fixes runtime, architecture, tracing, JSON logging and the Powertools environment on every function', () => {
    for (const [, resource] of resourcesIn(built.statelessTemplates, 'AWS::Lambda::Function')) {
      const props = resource.Properties as Record<string, any>;
      expect(props.Runtime).toBe(newestNodeRuntime());
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.TracingConfig).toEqual({ Mode: 'Active' });
      expect(props.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } });
      expect(props.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'hotline400',
        POWERTOOLS_METRICS_NAMESPACE: 'hotline400',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
    }
    for (const [, group] of resourcesIn(built.statelessTemplates, 'AWS::Logs::LogGroup')) {
      expect(group.Properties?.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('puts the JWT authorizer (issuer: the user pool, audience: the app client) on every route', () => {
    const template = built.statelessTemplate;
    const authorizers = resources(template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0] ?? [];
    const userPoolId = built.stateless.getLogicalId(
      built.stateless.users.userPool.node.defaultChild as never,
    );
    const clientId = built.stateless.getLogicalId(built.stateless.users.client.node.defaultChild as never);
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [userPoolId, 'ProviderURL'] },
        Audience: [{ Ref: clientId }],
      },
    });
    const routes = resources(template, 'AWS::ApiGatewayV2::Route');
    expect(routes.map(([, r]) => r.Properties?.RouteKey).sort()).toEqual(
      SAMPLE_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const [, route] of routes) {
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    }
  });

  it('creates the user pool without self sign-up, with an immutable tenant_id and the three role groups', () => {
    const template = built.statelessTemplate;
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'tenant_id', Mutable: false, AttributeDataType: 'String' }),
      ]),
    });
    const groups = resources(template, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties?.GroupName);
    expect(groups.sort()).toEqual(['operator', 'tenant-admin', 'tenant-viewer']);
    const client = resources(template, 'AWS::Cognito::UserPoolClient')[0]?.[1];
    expect(JSON.stringify(client?.Properties?.WriteAttributes)).not.toContain('tenant_id');
  });

  it('logs API access to a log group and throttles the default stage', () => {
    built.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('\\$context.requestId'),
      },
    });
  });

  it('reads the contact-record stream without ever aging a record out, with bounded retries, bisection, partial failures and an on-failure queue', () => {
    const template = built.templateOf(fn('ctrIngest').function);
    const ingestId = built.logicalIdOf(fn('ctrIngest').function);
    const mappings = resourcesIn(built.statelessTemplates, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => JSON.stringify(m.Properties?.FunctionName) === JSON.stringify({ Ref: ingestId }),
    );
    expect(mappings).toHaveLength(1);
    const props = mappings[0]?.[1].Properties as Record<string, any>;
    expect(props.FunctionName).toEqual({ Ref: ingestId });
    expect(props.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(props.BisectBatchOnFunctionError).toBe(true);
    expect(props.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(props.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    // -1: a backlog waits in the stream (7 days) instead of being dropped unbilled.
    expect(props.MaximumRecordAgeInSeconds).toBe(-1);
    expect(props.ParallelizationFactor).toBe(1);
    expect(props.StartingPosition).toBe('TRIM_HORIZON');
    expect(JSON.stringify(props.EventSourceArn)).toContain(
      built.stateful.getLogicalId(built.stateful.contactRecords.node.defaultChild as never),
    );
    const destination = props.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0] as string;
    const queue = template.toJSON().Resources[destination];
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties.KmsMasterKeyId).toBeDefined();
  });

  it('feeds the billing worker from the billing queue with partial batch failures; the queue redrives to a dead-letter queue', () => {
    const sqsMappings = resourcesIn(built.statelessTemplates, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) =>
        JSON.stringify(m.Properties?.EventSourceArn).includes(
          built.stateful.getLogicalId(built.stateful.billingQueue.node.defaultChild as never),
        ),
    );
    expect(sqsMappings).toHaveLength(1);
    const props = sqsMappings[0]?.[1].Properties as Record<string, any>;
    const workerId = built.logicalIdOf(fn('billingWorker').function);
    expect(props.FunctionName).toEqual({ Ref: workerId });
    expect(props.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(props.BatchSize).toBeGreaterThanOrEqual(1);
    expect(props.BatchSize).toBeLessThanOrEqual(5);
    const queue =
      built.statefulTemplate.toJSON().Resources[
        built.stateful.getLogicalId(built.stateful.billingQueue.node.defaultChild as never)
      ].Properties;
    expect(queue.RedrivePolicy.maxReceiveCount).toBe(5);
    const timeout = functionProperties(built, fn('billingWorker')).Timeout as number;
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(timeout);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(900);
  });

  it('gives a read-only route read actions on its table and no write action', () => {
    const statements = statementsOf(built, fn('searchAvailableNumbers'));
    const onNumbers = statementsOn(statements, tableLogicalId('numbers'));
    const actions = onNumbers.flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    for (const write of WRITE_ACTIONS) expect(actions).not.toContain(write);
  });

  it('gives a writing route write actions on exactly the table it writes', () => {
    const statements = statementsOf(built, fn('reserveNumber'));
    expect(statementsOn(statements, tableLogicalId('numbers')).flatMap(actionsOf)).toEqual(
      expect.arrayContaining(WRITE_ACTIONS),
    );
    const onLedger = statementsOn(statements, tableLogicalId('ledger')).flatMap(actionsOf);
    expect(onLedger).toContain('dynamodb:Query');
    for (const write of WRITE_ACTIONS) expect(onLedger).not.toContain(write);
  });

  it('grants no function access to a table its row does not list (but its rate windows), and names only those tables', () => {
    const rows = [...SAMPLE_ROUTES, ...SAMPLE_FUNCTIONS, ...SAMPLE_JOBS];
    for (const row of rows) {
      const hotline = fn(row.id);
      const statements = statementsOf(built, hotline);
      const variables = functionProperties(built, hotline).Environment.Variables;
      // Every API route counts its requests in the ops table (RATE# keys only: test/infra/rate-limits.test.ts);
      // every API write appends its audit event (PutItem only: test/infra/members-audit.test.ts); the notifier
      // reads alert contacts on the ledger (ACCT# keys only, below) and records deliveries on the ops table
      // (DELIVERY# keys only, below); functions that only hand notifications over read nothing for them.
      const route = SAMPLE_ROUTES.find((r) => r.id === row.id);
      const notifies = row.capabilities?.includes('messaging') ?? false;
      for (const id of Object.keys(TABLES) as TableId[]) {
        const listed =
          row.tables[id] !== undefined ||
          (route !== undefined && id === 'ops') ||
          (route !== undefined && route.method !== 'GET' && id === 'audit') ||
          (notifies && (id === 'ledger' || id === 'ops'));
        expect(statementsOn(statements, tableLogicalId(id)).length > 0, `${row.id} on ${id}`).toBe(listed);
        expect(TABLES[id].envVar in variables, `${row.id} env ${TABLES[id].envVar}`).toBe(listed);
      }
    }
  });

  it('turns capabilities into environment and grants, and nothing else', () => {
    const env = (id: string) => functionProperties(built, fn(id)).Environment.Variables;
    expect(env('reserveNumber')).toHaveProperty('DOCUMENTS_BUCKET');
    expect(env('searchAvailableNumbers')).not.toHaveProperty('DOCUMENTS_BUCKET');
    expect(env('monthlyBilling')).toHaveProperty('BILLING_QUEUE_URL');
    expect(env('applyRouting')).toMatchObject({
      CONNECT_INSTANCE_ARN: expect.anything(),
      CONTACT_FLOW_ID: expect.anything(),
    });
    expect(env('routeCall')).not.toHaveProperty('CONTACT_FLOW_ID');

    const connectActions = (id: string) =>
      statementsOf(built, fn(id))
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('connect:'));
    expect(connectActions('applyRouting')).toContain('connect:ClaimPhoneNumber');
    expect(connectActions('searchAvailableNumbers')).toEqual([]);
  });

  it('grants nothing on every resource except X-Ray and the namespaced deadline marker', () => {
    for (const [, policy] of resourcesIn(built.statelessTemplates, 'AWS::IAM::Policy')) {
      for (const statement of policyStatements(policy)) {
        if (statement.Resource !== '*') continue;
        const actions = actionsOf(statement);
        const condition = (statement as { Condition?: unknown }).Condition;
        if (actions.every((a) => a.startsWith('xray:'))) continue;
        expect(actions).toEqual(['cloudwatch:PutMetricData']);
        expect(condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'hotline400' } });
      }
    }
  });

  it('publishes no tenant notification through SNS: no function may publish to the alerts topic or text numbers', () => {
    for (const [, policy] of resourcesIn(built.statelessTemplates, 'AWS::IAM::Policy')) {
      const statements = policyStatements(policy).filter((s) => actionsOf(s).includes('sns:Publish'));
      // Only the alarms' own topic actions (CloudWatch publishes to the ops topic, not a function).
      expect(statements).toEqual([]);
    }
  });

  it('lets the notifier read only the ACCT# items of the ledger, and a function that notifies nothing of it', () => {
    const notifyOnly = {
      ...SAMPLE_ROUTES[1],
      id: 'notifyOnly',
      tables: { numbers: 'write' },
    } as RouteDefinition;
    const app = buildTestApp({ routes: [notifyOnly] });
    const ledgerId = app.stateful.getLogicalId(app.stateful.tables.ledger.node.defaultChild as never);
    const onLedger = (id: string) => {
      const hotline = app.stateless.functions.get(id);
      if (!hotline) throw new Error(`no ${id}`);
      return statementsOn(statementsOf(app, hotline), ledgerId).filter((st) =>
        actionsOf(st).some((a) => a.startsWith('dynamodb:')),
      );
    };
    const notifier = onLedger('notifier');
    expect(notifier).toHaveLength(1);
    expect(actionsOf(notifier[0] as Statement)).toEqual(['dynamodb:GetItem']);
    expect((notifier[0] as { Condition?: unknown }).Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACCT#*'] },
    });
    // Recipients are resolved by the notifier: handing a notification over reads no alert contacts.
    expect(onLedger('notifyOnly')).toEqual([]);
  });

  it("lets the notifier query and put only the ops table's DELIVERY# items, and a function that notifies nothing of them", () => {
    const notifyOnly = {
      ...SAMPLE_ROUTES[1],
      id: 'notifyOnly',
      tables: { numbers: 'write' },
    } as RouteDefinition;
    const app = buildTestApp({ routes: [notifyOnly] });
    const opsId = app.stateful.getLogicalId(app.stateful.tables.ops.node.defaultChild as never);
    const deliveryRecords = (id: string) => {
      const hotline = app.stateless.functions.get(id);
      if (!hotline) throw new Error(`no ${id}`);
      return statementsOn(statementsOf(app, hotline), opsId).filter((st) =>
        JSON.stringify(st).includes('DELIVERY#'),
      );
    };
    const notifier = deliveryRecords('notifier');
    expect(notifier).toHaveLength(1);
    expect(actionsOf(notifier[0] as Statement)).toEqual(['dynamodb:Query', 'dynamodb:PutItem']);
    expect((notifier[0] as { Condition?: unknown }).Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DELIVERY#*'] },
    });
    // On the table itself, not its index; and nothing else of the ops table (its rate windows are the API's).
    expect(JSON.stringify(notifier[0]?.Resource)).not.toContain('/index/');
    const hotline = app.stateless.functions.get('notifier');
    if (!hotline) throw new Error('no notifier');
    expect(
      statementsOn(statementsOf(app, hotline), opsId).filter((st) =>
        actionsOf(st).some((a) => a.startsWith('dynamodb:')),
      ),
    ).toEqual(notifier);
    // Handing a notification over records no delivery.
    expect(deliveryRecords('notifyOnly')).toEqual([]);
  });

  it('fails when a row notifies but no notifier consumes the notifications queue', () => {
    expect(() =>
      buildTestApp({ functions: SAMPLE_FUNCTIONS.filter((row) => row.id !== 'notifier') }),
    ).toThrow(/reserveNumber has capability notifications but there is no notifier/);
  });

  it('sends e-mail only from the configured identity and address, and reads the SMS key by its secret', () => {
    const context = {
      notifyEmailFrom: 'alerts@notify.hotline400.example.cn',
      aliyunSmsSignName: '四零零热线',
      aliyunSmsTemplateCodes: '{"zh-CN":{"low_balance":"SMS_465000001"}}',
    };
    const app = buildTestApp({ context });
    const hotline = app.stateless.functions.get('notifier');
    if (!hotline) throw new Error('no notifier');
    const variables = functionProperties(app, hotline).Environment.Variables as Record<string, unknown>;
    expect(variables).toMatchObject({
      NOTIFY_EMAIL_FROM: context.notifyEmailFrom,
      ALIYUN_SMS_SIGN_NAME: context.aliyunSmsSignName,
      ALIYUN_SMS_TEMPLATE_CODES: context.aliyunSmsTemplateCodes,
    });
    expect(variables).toHaveProperty('ALIYUN_SMS_SECRET_ID');
    const statements = statementsOf(app, hotline);
    const sesStatements = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('ses:')));
    expect(sesStatements).toHaveLength(1);
    expect(actionsOf(sesStatements[0] as Statement)).toEqual(['ses:SendEmail']);
    expect(JSON.stringify(sesStatements[0]?.Resource)).toContain(':identity/notify.hotline400.example.cn');
    expect((sesStatements[0] as { Condition?: unknown }).Condition).toEqual({
      StringEquals: { 'ses:FromAddress': context.notifyEmailFrom },
    });
    const secretId = app.stateful.getLogicalId(app.stateful.smsSecret.node.defaultChild as never);
    expect(statementsOn(statements, secretId).flatMap(actionsOf)).toEqual([
      'secretsmanager:GetSecretValue',
      'secretsmanager:DescribeSecret',
    ]);
    // Functions that notify hand over to the queue: no SES action, no SMS key, no messaging settings.
    for (const id of ['searchAvailableNumbers', 'reserveNumber', 'ctrIngest', 'monthlyBilling']) {
      const other = app.stateless.functions.get(id);
      if (!other) throw new Error(`no ${id}`);
      const otherStatements = statementsOf(app, other);
      expect(
        otherStatements.flatMap(actionsOf).filter((a) => a.startsWith('ses:')),
        id,
      ).toEqual([]);
      expect(statementsOn(otherStatements, secretId), id).toEqual([]);
      const otherVariables = functionProperties(app, other).Environment.Variables as Record<string, unknown>;
      for (const name of ['NOTIFY_EMAIL_FROM', 'ALIYUN_SMS_SIGN_NAME', 'ALIYUN_SMS_SECRET_ID'])
        expect(otherVariables, `${id} ${name}`).not.toHaveProperty(name);
    }
  });

  it('warns at synth of templates without an SMS code, naming each, and not once all have one', () => {
    const warningsWith = (codes: Record<string, string>) => {
      const app = buildTestApp({
        context: {
          aliyunSmsSignName: '四零零热线',
          aliyunSmsTemplateCodes: JSON.stringify({ 'zh-CN': codes }),
        },
      });
      return Annotations.fromStack(app.stateless)
        .findWarning('*', Match.anyValue())
        .map((entry) => String(entry.entry.data))
        .filter((text) => text.includes('aliyunSmsTemplateCodes'));
    };
    const partial = warningsWith({ low_balance: 'SMS_465000001' });
    expect(partial).toHaveLength(1);
    expect(partial[0]).toContain('transfer_qualification_withdrawn');
    expect(partial[0]).not.toMatch(/low_balance[,:]/);
    const all = Object.fromEntries(TEMPLATE_IDS.map((id, i) => [id, `SMS_${465000001 + i}`]));
    expect(warningsWith(all)).toEqual([]);
  });

  it('fails on malformed messaging context, naming the value', () => {
    expect(() => buildTestApp({ context: { notifyEmailFrom: 'not-an-address' } })).toThrow(
      /notifyEmailFrom.*not-an-address/,
    );
    expect(() =>
      buildTestApp({
        context: {
          aliyunSmsSignName: '四零零热线',
          aliyunSmsTemplateCodes: '{"zh-CN":{"low_balance":"465"}}',
        },
      }),
    ).toThrow(/SMS_<digits>/);
    expect(() => buildTestApp({ context: { aliyunSmsSignName: '四零零热线' } })).toThrow(/go together/);
  });

  it('schedules every job in its time zone with the scheduled time as input, bounded retries and a dead-letter queue', () => {
    const schedules = jobSchedulesIn(built.statelessTemplates);
    expect(schedules).toHaveLength(SAMPLE_JOBS.length);
    for (const job of SAMPLE_JOBS) {
      const fnId = built.logicalIdOf(fn(job.id).function);
      const schedule = schedules.find(([, s]) =>
        JSON.stringify(s.Properties?.Target).includes(`"${fnId}"`),
      )?.[1];
      expect(schedule, job.id).toBeDefined();
      const props = schedule?.Properties as Record<string, any>;
      expect(props.ScheduleExpression).toMatch(/^cron\(.+\)$/);
      expect(props.ScheduleExpressionTimezone).toBe(job.timeZone);
      expect(JSON.parse(props.Target.Input)).toEqual({ at: '<aws.scheduler.scheduled-time>' });
      expect(props.Target.RetryPolicy.MaximumRetryAttempts).toBeLessThanOrEqual(5);
      expect(props.Target.DeadLetterConfig.Arn).toBeDefined();
    }
  });

  it('gives asynchronously invoked jobs a dead-letter queue', () => {
    for (const job of SAMPLE_JOBS) {
      const props = functionProperties(built, fn(job.id));
      expect(props.DeadLetterConfig?.TargetArn, job.id).toBeDefined();
    }
    const route = functionProperties(built, fn('searchAvailableNumbers'));
    expect(route.DeadLetterConfig).toBeUndefined();
  });

  it("alarms on every function's errors and throttles, the iterator age, every dead-letter queue and API 5xx", () => {
    const alarms = resourcesIn(built.statelessTemplates, 'AWS::CloudWatch::Alarm').map(
      ([, a]) => a.Properties as Record<string, any>,
    );
    for (const id of built.stateless.functions.keys()) {
      const fnId = built.logicalIdOf(fn(id).function);
      const on = (metric: string) =>
        alarms.some((a) => a.MetricName === metric && JSON.stringify(a.Dimensions).includes(`"${fnId}"`));
      expect(on('Errors'), `${id} errors`).toBe(true);
      expect(on('Throttles'), `${id} throttles`).toBe(true);
    }
    const iterator = alarms.find((a) => a.MetricName === 'IteratorAge');
    expect(iterator?.Threshold).toBe(ITERATOR_AGE_ALARM_MS);
    // Dead-letter queues alarm on depth; work queues (they redrive) on the age of their oldest message.
    for (const [queue, resource] of resourcesIn(built.statelessTemplates, 'AWS::SQS::Queue')) {
      const metric =
        resource.Properties?.RedrivePolicy === undefined
          ? 'ApproximateNumberOfMessagesVisible'
          : 'ApproximateAgeOfOldestMessage';
      expect(
        alarms.some((a) => a.MetricName === metric && JSON.stringify(a.Dimensions).includes(queue)),
        queue,
      ).toBe(true);
    }
    expect(alarms.some((a) => a.MetricName === '5xx' && a.Namespace === 'AWS/ApiGateway')).toBe(true);
    // The inputs of a composite alarm notify through the composite only.
    const composites = resourcesIn(built.statelessTemplates, 'AWS::CloudWatch::CompositeAlarm');
    const rules = JSON.stringify(composites.map(([, c]) => c.Properties?.AlarmRule));
    const inputs = resourcesIn(built.statelessTemplates, 'AWS::CloudWatch::Alarm').filter(([id]) =>
      rules.includes(`"${id}"`),
    );
    expect(inputs).toHaveLength(2);
    for (const [id, alarm] of resourcesIn(built.statelessTemplates, 'AWS::CloudWatch::Alarm')) {
      const props = alarm.Properties as Record<string, any>;
      if (inputs.some(([input]) => input === id)) expect(props.AlarmActions, id).toBeUndefined();
      else expect(props.AlarmActions, id).toHaveLength(1);
    }
    for (const [, composite] of composites) expect(composite.Properties?.AlarmActions).toHaveLength(1);
  });

  it('associates the routing Lambda with the created instance, lets only that instance invoke it, and deploys the flow', () => {
    const template = built.statelessTemplate;
    const routeCall = fn('routeCall').function;
    // The parent reads routeCall's ARN from its nested stack's outputs.
    const routeCallArn = Match.objectLike({
      'Fn::GetAtt': [Match.stringLikeRegexp('CallRouting'), Match.stringLikeRegexp('routeCall')],
    });
    const instanceOutput = Match.objectLike({
      'Fn::GetStackOutput': Match.objectLike({ StackName: 'Hotline400Stateful' }),
    });
    template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      IntegrationType: 'LAMBDA_FUNCTION',
      IntegrationArn: routeCallArn,
      InstanceId: instanceOutput,
    });
    built.templateOf(routeCall).hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'connect.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [built.logicalIdOf(routeCall), 'Arn'] },
      SourceArn: instanceOutput,
      SourceAccount: Match.anyValue(),
    });
    const flows = resources(template, 'AWS::Connect::ContactFlow');
    expect(flows).toHaveLength(1);
    expect(flows[0]?.[1].Properties).toMatchObject({ Type: 'CONTACT_FLOW', State: 'ACTIVE' });
    const content = JSON.stringify(flows[0]?.[1].Properties?.Content);
    expect(content).toMatch(/CallRouting.*routeCall/);
  });

  it('wires an adopted instance by its ARN', () => {
    const imported = buildTestApp({ connectInstanceArn: IMPORTED_INSTANCE_ARN });
    const template = imported.statelessTemplate;
    template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      InstanceId: IMPORTED_INSTANCE_ARN,
    });
    const routeCall = imported.stateless.functions.get('routeCall')?.function;
    if (!routeCall) throw new Error('routeCall missing');
    imported.templateOf(routeCall).hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'connect.amazonaws.com',
      SourceArn: IMPORTED_INSTANCE_ARN,
      SourceAccount: '123456789012',
    });
    template.hasResourceProperties('AWS::Connect::ContactFlow', { InstanceArn: IMPORTED_INSTANCE_ARN });
  });

  it('deploys no flow while the flow module is missing, and no Connect wiring without routeCall', () => {
    const noFlow = buildTestApp({ buildContactFlow: undefined });
    noFlow.statelessTemplate.resourceCountIs('AWS::Connect::ContactFlow', 0);
    noFlow.statelessTemplate.resourceCountIs('AWS::Connect::IntegrationAssociation', 1);
    const noRouting = buildTestApp({ functions: SAMPLE_FUNCTIONS.filter((f) => f.id !== 'routeCall') });
    noRouting.statelessTemplate.resourceCountIs('AWS::Connect::IntegrationAssociation', 0);
    noRouting.statelessTemplate.resourceCountIs('AWS::Connect::ContactFlow', 0);
  });

  it('keeps logical ids stable when the app is built again in a different order of token creation', () => {
    const again = buildTestApp({ connectInstanceArn: undefined });
    const ids = (app: TestApp) =>
      app.statelessTemplates.flatMap((t) => Object.keys(t.toJSON().Resources)).sort();
    expect(ids(again)).toEqual(ids(built));
  });
});

describe('stateless stack with the real registries', () => {
  let built: TestApp;
  let buildContactFlow: ContactFlowBuilder | undefined;
  beforeAll(async () => {
    buildContactFlow = await loadContactFlowBuilder();
    built = buildTestApp({ routes: ROUTES, functions: FUNCTIONS, jobs: JOBS, buildContactFlow });
  });

  it('has a JWT-authorized route and a function for every row', () => {
    const routes = resources(built.statelessTemplate, 'AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(ROUTES.length);
    for (const [, route] of routes) expect(route.Properties?.AuthorizationType).toBe('JWT');
    expect(resourcesIn(built.statelessTemplates, 'AWS::Lambda::Function')).toHaveLength(
      ROUTES.length + FUNCTIONS.length + JOBS.length,
    );
    // One-off jobs (no schedule, e.g. the ownership backfill) get a function and no schedule.
    expect(jobSchedulesIn(built.statelessTemplates)).toHaveLength(JOBS.filter((j) => j.schedule).length);
    expect(JOBS.filter((j) => !j.schedule).map((j) => j.name)).toEqual(['number-ownership-backfill']);
  });

  it("deploys shared/connect/contact-flow.ts's flow invoking routeCall when both exist", () => {
    const routeCall = built.stateless.functions.get('routeCall');
    const flows = resources(built.statelessTemplate, 'AWS::Connect::ContactFlow');
    if (!routeCall || !buildContactFlow) {
      expect(flows).toHaveLength(0);
      return;
    }
    expect(flows).toHaveLength(1);
    const content = JSON.stringify(flows[0]?.[1].Properties?.Content);
    expect(content).toContain('InvokeLambdaFunction');
    // The ARN comes from the CallRouting nested stack's output for routeCall's function.
    expect(content).toMatch(
      /CallRouting[A-Za-z0-9]*","Outputs\.[A-Za-z0-9]*routeCallFunction[A-Za-z0-9]*Arn/,
    );
  });
});

describe('function groups', () => {
  it('group routes by handler folder and catalogue rows by kind, independent of other rows', () => {
    expect(
      functionGroup('route', 'searchAvailableNumbers', 'functions/api/numbers/search-available.ts'),
    ).toBe('ApiNumbers');
    expect(functionGroup('route', 'x', 'functions/api/tariff-plans/list.ts')).toBe('ApiTariffPlans');
    expect(functionGroup('route', 'x', 'functions/misc.ts')).toBe('ApiOther');
    expect(functionGroup('function', 'routeCall', 'functions/connect/route-call.ts')).toBe('CallRouting');
    expect(functionGroup('function', 'ctrIngest', 'functions/streams/ctr-ingest.ts')).toBe('Workers');
    expect(functionGroup('job', 'alertOutbox', 'functions/jobs/alert-outbox.ts')).toBe('Jobs');
  });
});

describe('stateless stack size', () => {
  it("keeps every template under CloudFormation's 500 resources with 150 routes", () => {
    const route = SAMPLE_ROUTES[0];
    if (!route) throw new Error('sample routes are empty');
    const folders = ['numbers', 'routing', 'account'];
    const routes = Array.from({ length: 150 }, (_, i) => ({
      ...route,
      id: `route${i}`,
      path: `/v1/load/${i}`,
      entry: `functions/api/${folders[i % folders.length]}/load-${i}.ts`,
    }));
    const built = buildTestApp({ routes });
    for (const template of built.statelessTemplates) {
      expect(Object.keys(template.toJSON().Resources).length).toBeLessThan(500);
    }
    expect([...built.stateless.groups.keys()]).toEqual(
      expect.arrayContaining(['ApiNumbers', 'ApiRouting', 'ApiAccount']),
    );
  });
});

describe('stateless stack props', () => {
  const route = SAMPLE_ROUTES[0];
  if (!route) throw new Error('sample routes are empty');

  it('fails when two rows share an id', () => {
    expect(() => buildTestApp({ routes: [route, { ...route, path: '/v1/other' }] })).toThrow(/used twice/);
  });

  it('fails when a row names an unknown table or a bad access level', () => {
    expect(() => buildTestApp({ routes: [{ ...route, tables: { calls: 'read' } as never }] })).toThrow(
      /unknown table "calls"/,
    );
    expect(() => buildTestApp({ routes: [{ ...route, tables: { numbers: 'admin' } as never }] })).toThrow(
      /must be "read" or "write"/,
    );
  });

  it('fails when a row names an unknown capability', () => {
    expect(() => buildTestApp({ routes: [{ ...route, capabilities: ['email'] as never }] })).toThrow(
      /unknown capability "email"/,
    );
  });

  it('fails on entries and assets outside the repository', () => {
    expect(() => buildTestApp({ routes: [{ ...route, entry: '../elsewhere/handler.ts' }] })).toThrow(
      /inside the repository/,
    );
    expect(() => buildTestApp({ routes: [{ ...route, entry: '/etc/passwd.ts' }] })).toThrow(
      /inside the repository/,
    );
    expect(() =>
      buildTestApp({ routes: [{ ...route, entry: 'functions/api/numbers/search.json' }] }),
    ).toThrow(/\.ts or \.js/);
    const routeCall = SAMPLE_FUNCTIONS[0];
    if (!routeCall) throw new Error('sample functions are empty');
    expect(() => buildTestApp({ functions: [{ ...routeCall, assets: ['../../geo.bin'] }] })).toThrow(
      /inside the repository/,
    );
  });

  it('fails on a bad memory size or timeout', () => {
    const row = SAMPLE_FUNCTIONS[1];
    if (!row) throw new Error('sample functions are short');
    expect(() => buildTestApp({ functions: [{ ...row, memoryMb: 64 }] })).toThrow(/memory of ctrIngest/);
    expect(() => buildTestApp({ functions: [{ ...row, timeoutSeconds: 901 }] })).toThrow(
      /timeout of ctrIngest/,
    );
  });

  it('fails on a malformed job schedule or time zone', () => {
    const job = SAMPLE_JOBS[0];
    if (!job) throw new Error('sample jobs are empty');
    expect(() => buildTestApp({ jobs: [{ ...job, schedule: '*/5 * * * *' }] })).toThrow(
      /schedule of release-holds/,
    );
    expect(() => buildTestApp({ jobs: [{ ...job, schedule: 'cron(0 1 1 * 1 *)' }] })).toThrow(/must be "\?"/);
    expect(() => buildTestApp({ jobs: [{ ...job, timeZone: 'Asia/Beijing' }] })).toThrow(
      /not an IANA time zone/,
    );
  });

  it('accepts six bare cron fields and rate expressions', () => {
    const job = SAMPLE_JOBS[0];
    if (!job) throw new Error('sample jobs are empty');
    const built = buildTestApp({
      jobs: [
        { ...job, schedule: '0 3 * * ? *' },
        { ...job, id: 'sweep', name: 'sweep', schedule: 'rate(15 minutes)' },
      ],
    });
    const expressions = jobSchedulesIn(built.statelessTemplates).map(
      ([, s]) => s.Properties?.ScheduleExpression,
    );
    expect(expressions.sort()).toEqual(['cron(0 3 * * ? *)', 'rate(15 minutes)']);
  });
});
