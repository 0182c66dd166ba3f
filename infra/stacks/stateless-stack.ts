/**
 * Everything that can be torn down and redeployed without losing data: the user pool's API, one Lambda per
 * HTTP route (shared/http/routes.ts) and per catalogue row (infra/function-catalogue.ts), the Kinesis event
 * source of the contact-record consumer, the job schedules, the Connect wiring and the alarms. Each
 * function's environment and permissions come only from its row's `tables` and `capabilities`.
 */
import { CfnOutput, Duration, NestedStack, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULT_TIME_ZONE } from '../../shared/config.js';
import { parseRateBudgets, RATE_LIMITS_ENV } from '../../shared/domain/rate-limits.js';
import { PAYMENT_SECRET_ROUTES } from '../../shared/http/routes/payments.js';
import {
  type Capability,
  type HttpMethod,
  ROUTES,
  type RouteDefinition,
  type TableAccess,
} from '../../shared/http/routes.js';
import { WEBHOOK_ROUTES, type WebhookRoute } from '../../shared/http/webhooks.js';
import { CURSOR_KEY_SECRET_ENV } from '../../shared/ports/paging.js';
import { PAYMENTS_SECRET_ENV } from '../../shared/ports/payments.js';
import { TABLES, type TableId } from '../../shared/tables.js';
import { portsOf } from '../bundling.js';
import { WORK_QUEUES } from '../catalogue/work-queues.js';
import { BillingRunAlarms } from '../constructs/billing-run-alarms.js';
import { CallLimits } from '../constructs/call-limits.js';
import {
  type AccessNumberSettings,
  ConnectWiring,
  type ContactFlowBuilder,
  DEFAULT_ACCESS_NUMBER_SETTINGS,
} from '../constructs/contact-center.js';
import { EncryptedQueue } from '../constructs/encrypted-queue.js';
import {
  HotlineFunction,
  type Invocation,
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from '../constructs/hotline-function.js';
import { corsOriginsFromContext, HotlineHttpApi } from '../constructs/http-api.js';
import { JobSchedules } from '../constructs/job-schedules.js';
import { type MessagingSettings, messagingFromContext } from '../constructs/messaging.js';
import { OpsAlarms } from '../constructs/ops-alarms.js';
import { OpsDashboard } from '../constructs/ops-dashboard.js';
import { PaymentAlarms } from '../constructs/payment-alarms.js';
import { PROMPTS_PREFIX } from '../constructs/prompts-bucket.js';
import { RECORDINGS_PREFIX } from '../constructs/recordings-bucket.js';
import { DIRECTORY_ACTIONS, signInFromContext, UserDirectory } from '../constructs/user-directory.js';
import { WorkQueue } from '../constructs/work-queue.js';
import { FUNCTIONS, type FunctionRow, JOBS, type JobRow } from '../function-catalogue.js';
import type { StatefulResources } from './stateful-stack.js';

const CROSS_STACK_REFERENCES = '@aws-cdk/core:defaultCrossStackReferences';

/** Catalogue ids with a special wiring. */
export const ROUTE_CALL_ID = 'routeCall';
export const CTR_INGEST_ID = 'ctrIngest';
/** Invoked by the contact flow before connecting a call; stopContact ends the call at its limit. */
export const ARM_CALL_LIMIT_ID = 'armCallLimit';
/**
 * Functions Amazon Connect waits on during a call: their cold start counts, so no layer to load. They use no
 * Powertools (shared/runtime/call-telemetry.ts writes its shapes); whatever they import is bundled.
 */
const CONNECT_WAITS_ON: ReadonlySet<string> = new Set([ROUTE_CALL_ID, ARM_CALL_LIMIT_ID]);
export const STOP_CONTACT_ID = 'stopContact';
/** Consumes the billing queue (capability `jobs` sends to it). */
export const BILLING_WORKER_ID = 'billingWorker';
/** Consumes the notifications queue; its refused recipients are alarmed beside the queue's alarms. */
export const NOTIFIER_ID = 'notifier';
/** Jobs that call a payment provider (statements, refund requests): they need the merchant secret. */
export const PAYMENT_SECRET_JOBS: ReadonlySet<string> = new Set([
  'payments-reconciliation',
  'payments-refund-retry',
  // A cancellation's refund of the last number goes to the payments' providers (and its retries).
  'number-cancellation-notice',
  'number-retention-expiry',
  'number-arrears',
  'number-effects',
]);

/** Functions that call a payment provider read its keys from the merchant secret, by ARN (never the value). */
function usePaymentSecret(fn: HotlineFunction, data: StatefulResources): void {
  const secret = data.paymentSecret;
  if (!secret) return;
  // Granted on the function's role only: Secret.grantRead would also write the other stack's key policy
  // (a cross-stack cycle).
  iam.Grant.addToPrincipal({
    grantee: fn,
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    resourceArns: [secret.secretArn],
  });
  secret.encryptionKey?.grantDecrypt(fn);
  fn.setEnvironment(PAYMENTS_SECRET_ENV, secret.secretArn);
}

/** Paging routes read the cursor-signing key, by ARN (never the value); no other function may. */
function useCursorSecret(fn: HotlineFunction, spec: FunctionSpec, data: StatefulResources): void {
  const secret = data.cursorSecret;
  if (!secret) throw new StatelessPropsError(`${spec.id} pages but there is no cursor secret`);
  iam.Grant.addToPrincipal({
    grantee: fn,
    actions: ['secretsmanager:GetSecretValue'],
    resourceArns: [secret.secretArn],
  });
  secret.encryptionKey?.grantDecrypt(fn);
  fn.setEnvironment(CURSOR_KEY_SECRET_ENV, secret.secretArn);
}

/** A billing message older than this means the workers are stuck or far behind. */
export const BILLING_QUEUE_AGE_ALARM = Duration.hours(1);

/** Settings of the billing queue's event source; failed messages redrive to its dead-letter queue. */
export const BILLING_EVENT_SOURCE = {
  batchSize: 5,
  reportBatchItemFailures: true,
  // 1M contracts would take about 2 h at 5 concurrent batches; 20 drains a month in well under the 06:00
  // deadline while each batch still touches distinct ledger accounts (on-demand tables absorb it).
  maxConcurrency: 20,
} as const;

/**
 * Settings of the contact-record event source. No record is ever aged out (MaximumRecordAgeInSeconds -1, set
 * on the mapping below: CDK accepts only 60 s - 7 days): a backlog behind a long DynamoDB incident waits in
 * the stream (retained 7 days) instead of being dropped unbilled. A batch that keeps failing is bisected down
 * to the failing record, which after its retries goes to the on-failure queue as shard and sequence pointers
 * for the replay command (so one poison record cannot block its shard).
 */
export const CTR_EVENT_SOURCE = {
  batchSize: 100,
  maxBatchingWindow: Duration.seconds(1),
  retryAttempts: 5,
  // One batch per shard at a time keeps the records of one ContactId in order.
  parallelizationFactor: 1,
} as const;

export interface StatelessStackProps extends StackProps {
  readonly data: StatefulResources;
  /** @default ROUTES */
  readonly routes?: readonly RouteDefinition[];
  /** @default FUNCTIONS */
  readonly functions?: readonly FunctionRow[];
  /** @default JOBS */
  readonly jobs?: readonly JobRow[];
  /**
   * Payment providers' webhooks (no JWT, own throttle).
   * @default WEBHOOK_ROUTES with the real route table; none when `routes` is given (tests' sample rows)
   */
  readonly webhooks?: readonly WebhookRoute[];
  /** false: inline stand-ins instead of esbuild bundles (infra unit tests). @default true */
  readonly bundle?: boolean;
  /** shared/connect/contact-flow.ts's builder; without it no contact flow is deployed. */
  readonly buildContactFlow?: ContactFlowBuilder;
  /** Which access numbers approvals claim. @default DEFAULT_ACCESS_NUMBER_SETTINGS */
  readonly accessNumbers?: AccessNumberSettings;
}

export class StatelessPropsError extends Error {
  override readonly name = 'StatelessPropsError';
}

interface FunctionSpec {
  readonly id: string;
  readonly entry: string;
  readonly description: string;
  readonly tables: Partial<Record<TableId, TableAccess>>;
  readonly capabilities?: readonly Capability[];
  /** API routes' method: writes (not GET) append audit events. */
  readonly method?: HttpMethod;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  readonly assets?: readonly string[];
}

/** Defaults by kind; a row's own memoryMb/timeoutSeconds win. */
const DEFAULTS = {
  route: { memoryMb: 512, timeoutSeconds: 10 },
  // Connect waits at most 8 s for InvokeLambdaFunction.
  routeCall: { memoryMb: 1024, timeoutSeconds: 8 },
  ctrIngest: { memoryMb: 1024, timeoutSeconds: 60 },
  function: { memoryMb: 512, timeoutSeconds: 30 },
  job: { memoryMb: 1024, timeoutSeconds: 300 },
} as const;

/**
 * Functions live in nested stacks, one per group, because CloudFormation caps a stack at 500 resources and
 * each function brings about eight (function, role, policy, log group, alarms, permission...). Groups are
 * stable, so adding a row never moves another function: HTTP routes by handler folder
 * (functions/api/<folder>/...), the routing Lambda alone (the contact flow depends on it, and telephony
 * functions depend on the flow), the other catalogue functions, the jobs.
 */
export function functionGroup(kind: 'route' | 'function' | 'job', id: string, entry: string): string {
  if (kind === 'job') return 'Jobs';
  if (entry.startsWith('functions/webhooks/')) return 'Webhooks';
  // armCallLimit too: the flow invokes it, so it cannot sit beside a function that reads the flow id.
  if (kind === 'function')
    return id === ROUTE_CALL_ID || id === ARM_CALL_LIMIT_ID ? 'CallRouting' : 'Workers';
  const folder = /^functions\/api\/([A-Za-z0-9-]+)\//.exec(entry)?.[1] ?? 'other';
  return `Api${folder.replace(/(?:^|-)([A-Za-z0-9])/g, (_match, first: string) => first.toUpperCase())}`;
}

export class StatelessStack extends Stack {
  readonly api: HotlineHttpApi;
  readonly users: UserDirectory;
  readonly connect: ConnectWiring;
  /** Which access numbers approvals claim (handed to the telephony functions). */
  readonly accessNumbers: AccessNumberSettings;
  /** Who tenant notifications come from (context; infra/constructs/messaging.ts). */
  readonly messaging: MessagingSettings;
  /** Every function by its route or catalogue id. */
  readonly functions: ReadonlyMap<string, HotlineFunction>;
  /** The nested stacks holding the functions, by group name. */
  readonly groups: ReadonlyMap<string, NestedStack>;
  /** Present when the billing worker is deployed. */
  readonly billingRunAlarms?: BillingRunAlarms;
  /** Lambda's on-failure destination of the contact-record consumer (scripts/replay-failures.ts reads it). */
  readonly ctrIngestFailures?: sqs.IQueue;
  readonly dashboard: OpsDashboard;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.accessNumbers = props.accessNumbers ?? DEFAULT_ACCESS_NUMBER_SETTINGS;
    this.messaging = messagingFromContext(this);
    // Read stateful outputs with Fn::GetStackOutput instead of exports, so the stateful stack can change
    // an output without first removing its consumer (the recommended setting for new apps).
    if (this.node.tryGetContext(CROSS_STACK_REFERENCES) === undefined)
      this.node.setContext(CROSS_STACK_REFERENCES, 'weak');
    const data = props.data;
    const routes = props.routes ?? ROUTES;
    const rows = props.functions ?? FUNCTIONS;
    const jobs = props.jobs ?? JOBS;
    const webhooks = props.webhooks ?? (props.routes === undefined ? WEBHOOK_ROUTES : []);
    checkUniqueIds([
      ...routes.map((r) => r.id),
      ...webhooks.map((w) => w.id),
      ...rows.map((r) => r.id),
      ...jobs.map((j) => j.id),
    ]);

    const alarms = new OpsAlarms(this, 'Alarms', { topic: data.opsTopic });
    alarms.forQueueDepth('BillingDeadLetters', data.billingDeadLetters, 'billing dead letters');
    alarms.forQueueAge('BillingQueue', data.billingQueue, BILLING_QUEUE_AGE_ALARM, 'billing queue');
    if (rows.some((row) => row.id === BILLING_WORKER_ID)) {
      this.billingRunAlarms = new BillingRunAlarms(this, 'BillingRun', {
        topic: data.opsTopic,
        namespace: METRICS_NAMESPACE,
        service: SERVICE_NAME,
        timeZone: DEFAULT_TIME_ZONE,
      });
    }
    if (webhooks.length > 0)
      new PaymentAlarms(this, 'PaymentAlarms', {
        topic: data.opsTopic,
        namespace: METRICS_NAMESPACE,
        service: SERVICE_NAME,
      });
    this.users = new UserDirectory(this, 'Auth', signInFromContext(this));
    this.api = new HotlineHttpApi(this, 'Http', {
      issuer: this.users.issuer,
      audience: [this.users.client.userPoolClientId],
      corsOrigins: corsOriginsFromContext(this, this.users.callbackUrls),
    });
    alarms.forApi('Api', this.api.api);
    // Any function that posts to the ledger flushes the alert outbox, so this one alarm watches them all.
    alarms.forParkedAlerts(METRICS_NAMESPACE, SERVICE_NAME);

    const groups = new Map<string, { stack: NestedStack; alarms: OpsAlarms }>();
    const group = (name: string) => {
      let found = groups.get(name);
      if (!found) {
        const stack = new NestedStack(this, name, { description: `hotline400 functions: ${name}` });
        found = { stack, alarms: new OpsAlarms(stack, 'Alarms', { topic: data.opsTopic }) };
        groups.set(name, found);
      }
      return found;
    };

    const functions = new Map<string, { fn: HotlineFunction; spec: FunctionSpec }>();
    const make = (
      kind: 'route' | 'function' | 'job',
      spec: FunctionSpec,
      invocation: Invocation,
      defaults: { memoryMb: number; timeoutSeconds: number },
      reservedConcurrency?: number,
      route?: RouteDefinition,
    ) => {
      const { stack: scope, alarms: groupAlarms } = group(functionGroup(kind, spec.id, spec.entry));
      const fn = new HotlineFunction(scope, spec.id, {
        entry: spec.entry,
        description: spec.description,
        invocation,
        memoryMb: spec.memoryMb ?? defaults.memoryMb,
        timeout: Duration.seconds(spec.timeoutSeconds ?? defaults.timeoutSeconds),
        assets: spec.assets,
        bundle: props.bundle,
        ports: portsOf(spec.capabilities, kind === 'route' ? 'api' : 'other', spec.id, spec.method),
        ...(route ? { route } : {}),
        powertools: CONNECT_WAITS_ON.has(spec.id) ? 'bundled' : 'layer',
        queueKey: data.messagingKey,
        environment: { HOTLINE_TIME_ZONE: DEFAULT_TIME_ZONE },
        reservedConcurrency,
      });
      functions.set(spec.id, { fn, spec });
      groupAlarms.forFunction(spec.id, fn.function);
      if (fn.deadLetterQueue) {
        groupAlarms.forQueueDepth(`${spec.id}DeadLetters`, fn.deadLetterQueue, `${spec.id} dead letters`);
      }
      return { fn, scope, alarms: groupAlarms };
    };

    const rateLimits = rateLimitsFromContext(this);
    for (const route of routes) {
      const description = `${route.method} ${route.path}: ${route.summary}`;
      const { fn } = make('route', { ...route, description }, 'sync', DEFAULTS.route, undefined, route);
      if (isLimited(route, rateLimits)) this.useRateLimitWindows(fn, route, data, rateLimits);
      if (route.method !== 'GET') this.appendAuditEvents(fn, route, data);
      this.api.addRoute(route, fn.function);
      if (PAYMENT_SECRET_ROUTES.has(route.id)) usePaymentSecret(fn, data);
    }

    for (const webhook of webhooks) {
      const description = `${webhook.method} ${webhook.path}: ${webhook.summary}`;
      const { fn } = make('route', { ...webhook, description }, 'sync', DEFAULTS.route);
      this.api.addWebhookRoute(webhook, fn.function);
      usePaymentSecret(fn, data);
    }

    for (const row of rows) {
      if (row.id === CTR_INGEST_ID) {
        const { fn, scope, alarms: groupAlarms } = make('function', row, 'stream', DEFAULTS.ctrIngest);
        const onFailure = new EncryptedQueue(scope, 'CtrIngestFailures', {
          encryptionKey: data.messagingKey,
          purpose:
            'contact-record batches that failed every retry (Kinesis shard and sequence range to replay)',
        }).queue;
        groupAlarms.forQueueDepth('CtrIngestFailures', onFailure, 'contact-record batches given up on');
        this.ctrIngestFailures = onFailure;
        const contactRecords = new KinesisEventSource(data.contactRecords, {
          ...CTR_EVENT_SOURCE,
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          onFailure: new SqsDlq(onFailure),
        });
        fn.function.addEventSource(contactRecords);
        const mapping = fn.function.node
          .findAll()
          .find((c): c is lambda.CfnEventSourceMapping => c instanceof lambda.CfnEventSourceMapping);
        if (!mapping)
          throw new StatelessPropsError('the contact-record event source mapping was not created');
        mapping.maximumRecordAgeInSeconds = -1;
        groupAlarms.forIteratorAge(row.id, fn.function);
      } else if (WORK_QUEUES.some((q) => q.worker === row.id)) {
        // Its queue (and the event source) is wired below, once its senders exist.
        make('function', row, 'stream', DEFAULTS.function);
      } else if (row.id === BILLING_WORKER_ID) {
        const { fn } = make('function', row, 'stream', DEFAULTS.function);
        fn.function.addEventSource(new SqsEventSource(data.billingQueue, BILLING_EVENT_SOURCE));
      } else {
        if (row.id === ROUTE_CALL_ID)
          make('function', row, 'sync', DEFAULTS.routeCall, routeCallConcurrencyFromContext(this));
        else make('function', row, 'sync', DEFAULTS.function);
      }
    }

    if (jobs.length > 0) {
      const { stack: jobScope, alarms: jobAlarms } = group(functionGroup('job', '', ''));
      const schedulerDeadLetters = new EncryptedQueue(jobScope, 'ScheduleDeadLetters', {
        encryptionKey: data.messagingKey,
        purpose: 'job invocations EventBridge Scheduler could not deliver',
      }).queue;
      jobAlarms.forQueueDepth('ScheduleDeadLetters', schedulerDeadLetters, 'undelivered job invocations');
      const schedules = new JobSchedules(jobScope, 'Schedules', { deadLetterQueue: schedulerDeadLetters });
      for (const job of jobs) {
        const description = `job ${job.name}: ${job.description}`;
        const { fn } = make('job', { ...job, description }, 'async', DEFAULTS.job);
        if (job.schedule)
          schedules.add({
            id: job.id,
            name: job.name,
            schedule: job.schedule,
            timeZone: job.timeZone,
            fn: fn.function,
          });
        if (PAYMENT_SECRET_JOBS.has(job.name)) usePaymentSecret(fn, data);
        if (job.name === 'holiday-calendar-check')
          jobAlarms.forMissingHolidayCalendar(METRICS_NAMESPACE, SERVICE_NAME);
      }
    }

    const armCallLimit = functions.get(ARM_CALL_LIMIT_ID)?.fn;
    this.connect = new ConnectWiring(this, 'Connect', {
      instanceArn: data.connectInstanceArn,
      routeCall: functions.get(ROUTE_CALL_ID)?.fn.function,
      armCallLimit: armCallLimit?.function,
      buildContactFlow: props.buildContactFlow,
    });
    const stopContact = functions.get(STOP_CONTACT_ID)?.fn;
    if (armCallLimit || stopContact) {
      const limits = new CallLimits(this, 'CallLimits', {
        encryptionKey: data.messagingKey,
        alarms,
        opsTopic: data.opsTopic,
      });
      if (armCallLimit) limits.useForArming(armCallLimit);
      if (stopContact) limits.useForStopping(stopContact, this.connect);
    }

    const workQueues: { name: string; queue: WorkQueue }[] = [];
    for (const row of WORK_QUEUES) {
      const worker = functions.get(row.worker);
      const capability = row.senderCapability;
      const capable = [...functions.values()].filter(({ spec }) =>
        capability ? spec.capabilities?.includes(capability) : false,
      );
      if (!worker) {
        if (capable.length > 0)
          throw new StatelessPropsError(
            `${capable[0]?.spec.id} has capability ${capability} but there is no ${row.worker} to consume its queue`,
          );
        continue;
      }
      workQueues.push({
        name: row.name,
        queue: new WorkQueue(this, row.id, {
          row,
          encryptionKey: data.messagingKey,
          alarms,
          worker: worker.fn,
          workerTimeout: Duration.seconds(worker.spec.timeoutSeconds ?? DEFAULTS.function.timeoutSeconds),
          senders: [...row.senders.flatMap((id) => functions.get(id)?.fn ?? []), ...capable.map((f) => f.fn)],
        }),
      });
      // Beside the notifications queue's own alarms: recipients the notifier's providers refused for good.
      if (row.worker === NOTIFIER_ID) alarms.forUndeliverableNotifications(METRICS_NAMESPACE, SERVICE_NAME);
    }

    for (const { fn, spec } of functions.values()) this.applyAccess(fn, spec, data);
    this.dashboard = new OpsDashboard(this, 'Dashboard', {
      namespace: METRICS_NAMESPACE,
      service: SERVICE_NAME,
      api: this.api.api,
      ctrIngest: functions.get(CTR_INGEST_ID)?.fn.function,
      failureQueues: {
        ...(this.ctrIngestFailures
          ? { 'contact-record batches given up (replay)': this.ctrIngestFailures }
          : {}),
        'billing dead letters': data.billingDeadLetters,
        ...Object.fromEntries(workQueues.map((q) => [`${q.name} dead letters`, q.queue.deadLetters])),
      },
    });
    this.functions = new Map([...functions].map(([key, value]) => [key, value.fn]));
    this.groups = new Map([...groups].map(([key, value]) => [key, value.stack]));

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'SignInUrl', {
      value: this.users.signInUrl,
      description: 'Hosted sign-in (authorization code + PKCE): <url>/oauth2/authorize, <url>/oauth2/token',
    });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.users.client.userPoolClientId,
      description: 'Audience of the JWT authorizer; send the ID token as Authorization: Bearer <token>',
    });
    if (this.connect.contactFlowId)
      new CfnOutput(this, 'ContactFlowId', { value: this.connect.contactFlowId });
    if (this.ctrIngestFailures) {
      new CfnOutput(this, 'CtrIngestFailuresQueueUrl', {
        value: this.ctrIngestFailures.queueUrl,
        description: 'npm run replay-failures -- --queue-url <this>: see docs/runbook-replay.md',
      });
    }
  }

  /**
   * A rate-limited route counts its tenant's requests in the ops table (shared/adapters/dynamo/rate-limits.ts):
   * UpdateItem on `RATE#` keys only, unless its row already writes the table; budgets from the `rateLimits`
   * context, if set.
   */
  private useRateLimitWindows(
    fn: HotlineFunction,
    route: RouteDefinition,
    data: StatefulResources,
    rateLimits: string | undefined,
  ): void {
    if (rateLimits !== undefined) fn.setEnvironment(RATE_LIMITS_ENV, rateLimits);
    if (route.tables.ops === 'write') return;
    const table = data.tables.ops;
    if (!table) throw new StatelessPropsError(`${route.id} is rate-limited but there is no ops table`);
    fn.useRateLimitWindows(TABLES.ops, table);
  }

  /** Every API write appends its audit event: PutItem on the audit table only (shared/http/api-handler.ts). */
  private appendAuditEvents(fn: HotlineFunction, route: RouteDefinition, data: StatefulResources): void {
    const table = data.tables.audit;
    if (!table) throw new StatelessPropsError(`${route.id} writes but there is no audit table`);
    fn.appendAuditEvents(TABLES.audit, table);
  }

  /** Environment and grants from the row's tables and capabilities, nothing else. */
  private applyAccess(fn: HotlineFunction, spec: FunctionSpec, data: StatefulResources): void {
    for (const [tableId, access] of Object.entries(spec.tables) as [TableId, TableAccess | undefined][]) {
      if (access === undefined) continue;
      const definition = TABLES[tableId];
      const table = data.tables[tableId];
      if (!definition || !table)
        throw new StatelessPropsError(`${spec.id} names an unknown table "${tableId}"`);
      if (access !== 'read' && access !== 'write') {
        throw new StatelessPropsError(
          `${spec.id}: access to ${tableId} must be "read" or "write", got "${access}"`,
        );
      }
      fn.useTable(definition, table, access);
    }
    for (const capability of new Set(spec.capabilities ?? [])) {
      switch (capability) {
        case 'telephony':
          fn.setEnvironment('CONNECT_INSTANCE_ARN', this.connect.instanceArn);
          fn.setEnvironment('CONNECT_COUNTRY', this.accessNumbers.country);
          fn.setEnvironment('CONNECT_NUMBER_TYPE', this.accessNumbers.type);
          if (this.accessNumbers.prefix)
            fn.setEnvironment('CONNECT_NUMBER_PREFIX', this.accessNumbers.prefix);
          // The flow invokes routeCall, so routeCall cannot depend on the flow (a CloudFormation cycle).
          if (this.connect.contactFlowId && spec.id !== ROUTE_CALL_ID) {
            fn.setEnvironment('CONTACT_FLOW_ID', this.connect.contactFlowId);
          }
          this.connect.grantTelephony(fn);
          break;
        case 'notifications':
          // Sends to the notifications work queue: granted with the queue (infra/catalogue/work-queues.ts).
          break;
        case 'messaging':
          fn.useMessaging(this.messaging, data.smsSecret);
          // Recipients default to the tenant's alert contacts, on the account item.
          if (spec.tables.ledger === undefined) {
            const ledger = data.tables.ledger;
            if (!ledger) throw new StatelessPropsError(`${spec.id} notifies but there is no ledger table`);
            fn.useAlertContacts(TABLES.ledger, ledger);
          }
          // Each recipient once: the delivery records on the ops table.
          if (spec.tables.ops === undefined) {
            const ops = data.tables.ops;
            if (!ops) throw new StatelessPropsError(`${spec.id} delivers but there is no ops table`);
            fn.useNotificationDeliveries(TABLES.ops, ops);
          }
          break;
        case 'documents':
          fn.useBucket('DOCUMENTS_BUCKET', data.documentsBucket);
          break;
        case 'prompts':
        case 'promptUploads':
        case 'promptDeletes':
          if (!data.promptsBucket)
            throw new StatelessPropsError(`${spec.id} uses prompts but there is no prompts bucket`);
          if (capability === 'promptUploads') fn.useBucket('PROMPTS_BUCKET', data.promptsBucket);
          else
            fn.useObjectsForDownload(
              'PROMPTS_BUCKET',
              data.promptsBucket,
              `${PROMPTS_PREFIX}/*`,
              "tenants' prompts, one per registered prompt, named at runtime",
              capability === 'promptDeletes' ? ['s3:DeleteObject'] : [],
            );
          break;
        case 'jobs':
          fn.useQueue('BILLING_QUEUE_URL', data.billingQueue);
          break;
        case 'recordings':
          if (!data.recordingsBucket)
            throw new StatelessPropsError(`${spec.id} reads recordings but there is no recordings bucket`);
          fn.useObjectsForDownload('RECORDINGS_BUCKET', data.recordingsBucket, `${RECORDINGS_PREFIX}/*`);
          break;
        case 'directory':
          fn.useUserPool(
            'USER_POOL_ID',
            this.users.userPool.userPoolId,
            this.users.userPool.userPoolArn,
            DIRECTORY_ACTIONS,
          );
          break;
        case 'cursors':
          useCursorSecret(fn, spec, data);
          break;
        default:
          throw new StatelessPropsError(`${spec.id} names an unknown capability "${capability as string}"`);
      }
    }
  }
}

/** Whether any class the route counts against has a budget in this deployment (a class may be `off`). */
function isLimited(route: RouteDefinition, rateLimits: string | undefined): boolean {
  const { budgets } = parseRateBudgets(rateLimits);
  const classes = typeof route.rateLimit === 'string' ? [route.rateLimit] : Object.values(route.rateLimit);
  return classes.some((limitClass) => budgets[limitClass] !== undefined);
}

/**
 * Concurrency reserved for routeCall, so a burst of API or job invocations can never starve call setup
 * (and a flood of calls cannot take the whole account). Each invocation lasts well under a second, so 50
 * serves far more simultaneous call setups than Connect's default of 10 concurrent calls per instance.
 * Lambda keeps 100 of the account's concurrency unreserved: the account needs a limit of at least 150
 * (new accounts may start at 10; ask for the default 1,000 before deploying), or deploy with `off`.
 */
export const DEFAULT_ROUTE_CALL_CONCURRENCY = 50;

/** `cdk deploy -c routeCallReservedConcurrency=80` (or `off`), refused here if malformed. */
export function routeCallConcurrencyFromContext(scope: Construct): number | undefined {
  const value: unknown = scope.node.tryGetContext('routeCallReservedConcurrency');
  if (value === undefined) return DEFAULT_ROUTE_CALL_CONCURRENCY;
  if (value === 'off') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new StatelessPropsError(
      `context routeCallReservedConcurrency must be an integer from 1 to 10000, or off; got ${JSON.stringify(value)}`,
    );
  return n;
}

/** `cdk deploy -c rateLimits=expensive=10,read=1200`: per-deployment budgets, refused here if malformed. */
function rateLimitsFromContext(scope: Construct): string | undefined {
  const value: unknown = scope.node.tryGetContext('rateLimits');
  if (value === undefined) return undefined;
  const problems = typeof value === 'string' ? parseRateBudgets(value).problems : ['not a string'];
  if (problems.length > 0)
    throw new StatelessPropsError(`context rateLimits is malformed: ${problems.join('; ')}`);
  return value as string;
}

function checkUniqueIds(ids: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(id)) {
      throw new StatelessPropsError(`function id "${id}" must be alphanumeric and start with a letter`);
    }
    if (seen.has(id))
      throw new StatelessPropsError(`function id "${id}" is used twice across routes, functions and jobs`);
    seen.add(id);
  }
}
