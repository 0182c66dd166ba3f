/**
 * Builds the real stacks for infra tests: no esbuild (inline stand-ins), CDK's built-in CloudFormation
 * validation off (it is slow and cdk-nag is run explicitly where a test wants it), sample registry rows
 * that exercise every wiring whatever the real registries hold today.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { AccessNumberSettings, ContactFlowBuilder } from '../../../infra/constructs/contact-center.js';
import type { FunctionRow, JobRow } from '../../../infra/function-catalogue.js';
import { buildHotlineApp, type HotlineStacks } from '../../../infra/stacks/hotline-app.js';
import { GEO_INDEX_REPO_PATH } from '../../../shared/geo/index-file.js';
import type { RouteDefinition } from '../../../shared/http/routes.js';

export const SAMPLE_ROUTES: readonly RouteDefinition[] = [
  {
    id: 'searchAvailableNumbers',
    method: 'GET',
    path: '/v1/numbers/available',
    entry: 'functions/api/numbers/search-available.ts',
    roles: ['tenant-admin', 'tenant-viewer', 'operator'],
    tables: { numbers: 'read' },
    rateLimit: 'read',
    summary: 'Search the inventory',
    tag: 'numbers',
  },
  {
    id: 'reserveNumber',
    method: 'POST',
    path: '/v1/numbers/{number}/reservations',
    entry: 'functions/api/numbers/reserve.ts',
    roles: ['tenant-admin'],
    tables: { numbers: 'write', ledger: 'read' },
    capabilities: ['notifications', 'documents'],
    rateLimit: 'write',
    summary: 'Reserve a number',
    tag: 'numbers',
  },
  {
    id: 'applyRouting',
    method: 'PUT',
    path: '/v1/numbers/{number}/routing',
    entry: 'functions/api/routing/apply.ts',
    roles: ['tenant-admin'],
    tables: { routing: 'write', numbers: 'read' },
    capabilities: ['telephony'],
    rateLimit: 'expensive',
    summary: 'Apply a routing configuration',
    tag: 'routing',
  },
];

export const SAMPLE_FUNCTIONS: readonly FunctionRow[] = [
  {
    id: 'routeCall',
    entry: 'functions/connect/route-call.ts',
    tables: { routing: 'read', ledger: 'read' },
    assets: [GEO_INDEX_REPO_PATH],
    description: 'Decides each call for the generic contact flow',
  },
  {
    id: 'ctrIngest',
    entry: 'functions/streams/ctr-ingest.ts',
    tables: { ledger: 'write', numbers: 'read' },
    capabilities: ['notifications'],
    assets: [GEO_INDEX_REPO_PATH],
    description: 'Charges contact records',
  },
  {
    id: 'billingWorker',
    entry: 'functions/jobs/billing-worker.ts',
    tables: { ledger: 'write' },
    capabilities: ['jobs'],
    timeoutSeconds: 300,
    description: 'Consumes the billing queue',
  },
  {
    id: 'notifier',
    entry: 'functions/jobs/notifier.ts',
    tables: {},
    capabilities: ['messaging'],
    timeoutSeconds: 120,
    description: 'Delivers queued notifications',
  },
];

export const SAMPLE_JOBS: readonly JobRow[] = [
  {
    id: 'releaseHolds',
    name: 'release-holds',
    schedule: 'cron(*/5 * * * ? *)',
    timeZone: 'Asia/Shanghai',
    entry: 'functions/jobs/release-holds.ts',
    tables: { numbers: 'write' },
    description: 'Releases expired reservations',
  },
  {
    id: 'monthlyBilling',
    name: 'monthly-billing',
    schedule: '0 1 1 * ? *',
    timeZone: 'Asia/Shanghai',
    entry: 'functions/jobs/monthly-billing.ts',
    tables: { ledger: 'write', numbers: 'read' },
    capabilities: ['jobs', 'notifications'],
    description: 'Charges monthly rent',
  },
];

export const sampleFlowBuilder: ContactFlowBuilder = ({ routeCallFunctionArn }) => ({
  Version: '2019-10-30',
  StartAction: 'invoke',
  Actions: [
    {
      Identifier: 'invoke',
      Type: 'InvokeLambdaFunction',
      Parameters: { LambdaFunctionARN: routeCallFunctionArn, InvocationTimeLimitSeconds: '8' },
      Transitions: { NextAction: 'end', Errors: [], Conditions: [] },
    },
    { Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ],
});

export const IMPORTED_INSTANCE_ARN =
  'arn:aws:connect:ap-southeast-1:123456789012:instance/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

export interface TestAppOptions {
  readonly connectInstanceArn?: string;
  readonly routes?: readonly RouteDefinition[];
  readonly functions?: readonly FunctionRow[];
  readonly jobs?: readonly JobRow[];
  readonly buildContactFlow?: ContactFlowBuilder;
  readonly accessNumbers?: AccessNumberSettings;
  readonly recordingRetentionDays?: number;
  /** Register cdk-nag's AwsSolutions checks (they then run on synth). */
  readonly nag?: boolean;
  /** Deployment context, as `cdk deploy -c name=value` would set it. */
  readonly context?: Readonly<Record<string, unknown>>;
}

export interface TestApp extends HotlineStacks {
  readonly app: App;
  readonly statefulTemplate: Template;
  /** The stateless stack itself (API, user pool, Connect wiring), without its nested function stacks. */
  readonly statelessTemplate: Template;
  /** The stateless stack and every nested function stack. */
  readonly statelessTemplates: readonly Template[];
  /** The template of the (nested) stack a construct lives in. */
  templateOf(construct: IConstruct): Template;
  /** Logical id of a construct's default resource in its own stack. */
  logicalIdOf(construct: IConstruct): string;
}

export function buildTestApp(options: TestAppOptions = {}): TestApp {
  const app = new App({
    builtinCloudFormationValidation: false,
    treeMetadata: false,
    analyticsReporting: false,
    context: { ...options.context },
  });
  const stacks = buildHotlineApp(app, {
    stateful: {
      connectInstanceArn: options.connectInstanceArn,
      ...(options.recordingRetentionDays ? { recordingRetentionDays: options.recordingRetentionDays } : {}),
    },
    stateless: {
      bundle: false,
      routes: options.routes ?? SAMPLE_ROUTES,
      functions: options.functions ?? SAMPLE_FUNCTIONS,
      jobs: options.jobs ?? SAMPLE_JOBS,
      buildContactFlow: 'buildContactFlow' in options ? options.buildContactFlow : sampleFlowBuilder,
      ...(options.accessNumbers ? { accessNumbers: options.accessNumbers } : {}),
    },
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const templates = new Map<Stack, Template>();
  const templateOfStack = (stack: Stack) => {
    let template = templates.get(stack);
    if (!template) {
      template = Template.fromStack(stack);
      templates.set(stack, template);
    }
    return template;
  };
  return {
    app,
    ...stacks,
    get statefulTemplate() {
      return templateOfStack(stacks.stateful);
    },
    get statelessTemplate() {
      return templateOfStack(stacks.stateless);
    },
    get statelessTemplates() {
      return [stacks.stateless, ...stacks.stateless.groups.values()].map(templateOfStack);
    },
    templateOf: (construct) => templateOfStack(Stack.of(construct)),
    logicalIdOf: (construct) => {
      const resource = construct.node.defaultChild ?? construct;
      return Stack.of(resource).getLogicalId(resource as never);
    },
  };
}
