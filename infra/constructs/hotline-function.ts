/**
 * The one way a Lambda function is made. Runtime, architecture, tracing, log retention, bundling and the
 * Powertools environment are fixed here once; callers state intent (`useTable`, `useTopic`, ...) and the
 * construct turns it into environment variables and `grant*` calls, never hand-written IAM.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, normalize, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { RouteDefinition, TableAccess } from '../../shared/http/routes.js';
import type { TableDefinition } from '../../shared/tables.js';
import type { BundledPort } from '../bundling.js';
import {
  bundleAliases,
  ESBUILD_TARGET,
  ESM_REQUIRE_SHIM,
  externalModules,
  POWERTOOLS_LAYER_PARAMETER,
  type PowertoolsSource,
  portDefines,
  routeDefines,
} from '../bundling.js';
import { EncryptedQueue } from './encrypted-queue.js';
import type { MessagingSettings } from './messaging.js';
import {
  acknowledgeWildcardActions,
  acknowledgeWildcardResource,
  KMS_GRANT_WILDCARDS,
} from './nag-acknowledgements.js';

/** The Powertools layer of the pinned version, one per stack (its ARN resolved from SSM at deploy time). */
function powertoolsLayer(scope: Construct): lambda.ILayerVersion {
  const stack = Stack.of(scope);
  const id = 'PowertoolsLayer';
  const existing = stack.node.tryFindChild(id) as lambda.ILayerVersion | undefined;
  if (existing) return existing;
  const arn = ssm.StringParameter.valueForStringParameter(stack, POWERTOOLS_LAYER_PARAMETER);
  return lambda.LayerVersion.fromLayerVersionArn(stack, id, arn);
}

/** Repository root: entries and assets in the registries are relative to it. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The newest Node.js runtime this aws-cdk-lib offers (Runtime.NODEJS_24_X in 2.276.0). The infra tests
 * fail when a newer NODEJS_xx_X appears, so an upgrade of aws-cdk-lib reminds us to move.
 */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

export const SERVICE_NAME = 'hotline400';
export const METRICS_NAMESPACE = 'hotline400';

const XRAY_WILDCARD_REASON =
  'Active tracing: X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level scoping';

/** How the function is invoked: asynchronous invocations get a dead-letter queue. */
export type Invocation = 'sync' | 'async' | 'stream';

export interface HotlineFunctionProps {
  /** Handler module relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly invocation: Invocation;
  readonly memoryMb?: number;
  readonly timeout?: Duration;
  /** Files (relative to the repository root) copied beside the bundle, e.g. the geo index. */
  readonly assets?: readonly string[];
  /**
   * false: an inline stand-in instead of esbuild (infra unit tests stay fast and need no handler files).
   * @default true
   */
  readonly bundle?: boolean;
  /**
   * The ports (shared/runtime/ports.ts) the function may use; the others' adapters are left out of its bundle.
   * @default every port
   */
  readonly ports?: readonly BundledPort[];
  /** An API function's route row, compiled into its bundle (routeDefines) so the route table stays out. */
  readonly route?: RouteDefinition;
  /**
   * Where Powertools comes from (infra/bundling.ts): its layer, or the bundle for cold-start-critical functions.
   * @default 'layer'
   */
  readonly powertools?: PowertoolsSource;
  /** Key for the dead-letter queue of asynchronous functions. */
  readonly queueKey?: kms.IKey;
  /**
   * Concurrency set aside for this function (also its ceiling). Lambda keeps 100 of the account's
   * concurrency unreserved, so a deploy fails when the account limit is below the reservations + 100.
   * @default none: the function shares the account's unreserved pool
   */
  readonly reservedConcurrency?: number;
  readonly logRetention?: logs.RetentionDays;
  readonly environment?: Readonly<Record<string, string>>;
}

export class HotlineFunctionPropsError extends Error {
  override readonly name = 'HotlineFunctionPropsError';
}

/** A repository-relative path that stays inside the repository (no absolute paths, no `..`). */
export function checkRelativePath(path: string, what: string): string {
  const normal = posix.normalize(path.replaceAll('\\', '/'));
  if (path === '' || isAbsolute(path) || normal.startsWith('../') || normal === '..') {
    throw new HotlineFunctionPropsError(`${what} must be a path inside the repository, got "${path}"`);
  }
  return normal;
}

export class HotlineFunction extends Construct implements iam.IGrantable {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly grantPrincipal: iam.IPrincipal;
  /** Present for asynchronously invoked functions. */
  readonly deadLetterQueue?: sqs.IQueue;

  constructor(scope: Construct, id: string, props: HotlineFunctionProps) {
    super(scope, id);
    const entry = checkRelativePath(props.entry, `entry of ${id}`);
    if (!/\.(ts|mts|js|mjs)$/.test(entry)) {
      throw new HotlineFunctionPropsError(`entry of ${id} must be a .ts or .js module, got "${props.entry}"`);
    }
    const assets = (props.assets ?? []).map((asset) => checkRelativePath(asset, `asset of ${id}`));
    const memorySize = props.memoryMb ?? 512;
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240) {
      throw new HotlineFunctionPropsError(
        `memory of ${id} must be an integer from 128 to 10240 MB, got ${memorySize}`,
      );
    }
    const timeout = props.timeout ?? Duration.seconds(10);
    const reserved = props.reservedConcurrency;
    if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 1)) {
      throw new HotlineFunctionPropsError(
        `reserved concurrency of ${id} must be a positive integer (0 would throttle every invocation), got ${reserved}`,
      );
    }
    if (timeout.toSeconds() < 1 || timeout.toSeconds() > 900) {
      throw new HotlineFunctionPropsError(`timeout of ${id} must be from 1 to 900 seconds`);
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      // Logs carry the audit trail of money movements; they outlive a redeployed function.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    if (props.invocation === 'async') {
      this.deadLetterQueue = new EncryptedQueue(this, 'DeadLetters', {
        encryptionKey: props.queueKey,
        purpose: `failed asynchronous invocations of ${id}`,
      }).queue;
    }

    // Our own role instead of the managed AWSLambdaBasicExecutionRole: logs only to this function's group.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `hotline400 ${id}`,
    });
    this.logGroup.grantWrite(role);

    const powertools = props.powertools ?? 'layer';
    const common: lambda.FunctionOptions = {
      role,
      description: props.description.slice(0, 256),
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      timeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      deadLetterQueue: this.deadLetterQueue,
      ...(reserved !== undefined ? { reservedConcurrentExecutions: reserved } : {}),
      layers: powertools === 'layer' ? [powertoolsLayer(this)] : [],
      ...(props.invocation === 'async' ? { retryAttempts: 2, maxEventAge: Duration.hours(1) } : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    };

    const define = { ...portDefines(props.ports), ...routeDefines(props.route) };
    if (props.bundle === false) {
      this.function = new lambda.Function(this, 'Function', {
        ...common,
        runtime: LAMBDA_RUNTIME,
        handler: 'index.handler',
        code: lambda.Code.fromInline(`// stand-in for ${entry}\nexports.handler = async () => ({});`),
      });
    } else {
      const entryPath = join(REPOSITORY_ROOT, entry);
      if (!existsSync(entryPath)) throw new HotlineFunctionPropsError(`entry of ${id} not found: ${entry}`);
      for (const asset of assets) {
        if (!existsSync(join(REPOSITORY_ROOT, asset))) {
          throw new HotlineFunctionPropsError(`asset of ${id} not found: ${asset}`);
        }
      }
      this.function = new NodejsFunction(this, 'Function', {
        ...common,
        runtime: LAMBDA_RUNTIME,
        entry: entryPath,
        handler: 'handler',
        projectRoot: REPOSITORY_ROOT,
        depsLockFilePath: join(REPOSITORY_ROOT, 'package-lock.json'),
        bundling: {
          forceDockerBundling: false,
          format: OutputFormat.ESM,
          minify: true,
          sourceMap: true,
          target: ESBUILD_TARGET,
          mainFields: ['module', 'main'],
          banner: ESM_REQUIRE_SHIM,
          // CDK hands these to the esbuild CLI as --alias:node:http=<file>, … (see bundleAliases).
          esbuildArgs: {
            '--alias': Object.entries(bundleAliases()).map(([name, file]) => `${name}=${file}`),
          },
          externalModules: externalModules(powertools),
          define,
          tsconfig: join(REPOSITORY_ROOT, 'tsconfig.json'),
          commandHooks: assets.length === 0 ? undefined : copyBesideBundle(assets),
        },
      });
    }
    this.grantPrincipal = this.function.grantPrincipal;

    // X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: XRAY_WILDCARD_REASON,
    });
  }

  get functionArn(): string {
    return this.function.functionArn;
  }

  setEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /** Names the table in the environment and grants read, or read and write, on it and its indexes. */
  useTable(definition: TableDefinition, table: dynamodb.ITable, access: TableAccess): this {
    this.setEnvironment(definition.envVar, table.tableName);
    if (access === 'write') table.grantReadWriteData(this);
    else table.grantReadData(this);
    if (definition.indexes.length > 0) {
      acknowledgeWildcardResource(
        this,
        `${table.tableArn}/index/*`,
        `Queries the global secondary indexes of the ${definition.id} table (${definition.indexes.map((i) => i.name).join(', ')}), and only that table's`,
      );
    }
    if (table.encryptionKey) {
      acknowledgeWildcardActions(
        this,
        KMS_GRANT_WILDCARDS,
        `CDK's grant on the one customer-managed key encrypting the ${definition.id} table`,
      );
    }
    return this;
  }

  /**
   * Counts requests in rate-limit windows (shared/adapters/dynamo/rate-limits.ts): UpdateItem on the
   * table itself (no index), and only on its `RATE#` keys.
   */
  useRateLimitWindows(definition: TableDefinition, table: dynamodb.ITable): this {
    return this.useTableItems(definition, table, ['dynamodb:UpdateItem'], 'RATE#*');
  }

  /**
   * Appends audit events (shared/adapters/dynamo/audit-log.ts): PutItem on the audit table and nothing else,
   * so no API function can update or delete an event (each put is conditioned on `attribute_not_exists`).
   */
  appendAuditEvents(definition: TableDefinition, table: dynamodb.ITable): this {
    return this.useTableItems(definition, table, ['dynamodb:PutItem']);
  }

  /** Administers the members of the user pool: exactly the calls shared/adapters/cognito/cognito-directory.ts sends. */
  useUserPool(envVar: string, userPoolId: string, userPoolArn: string, actions: readonly string[]): this {
    this.setEnvironment(envVar, userPoolId);
    iam.Grant.addToPrincipal({ grantee: this, actions: [...actions], resourceArns: [userPoolArn] });
    return this;
  }

  /** Publishes to a topic (and uses its key). */
  useTopic(envVar: string, topic: sns.ITopic): this {
    this.setEnvironment(envVar, topic.topicArn);
    topic.grantPublish(this);
    acknowledgeWildcardActions(
      this,
      KMS_GRANT_WILDCARDS,
      `CDK's grant on the one key encrypting the topic in ${envVar}`,
    );
    return this;
  }

  /**
   * Sends tenant notifications (shared/adapters/messaging/from-env.ts): SES v2 SendEmail from the one verified
   * identity, only with that From address; the Aliyun AccessKey read from its secret by ARN (Aliyun's API is
   * outside AWS, so there is no AWS permission to send SMS). A channel without settings gets nothing.
   */
  useMessaging(settings: MessagingSettings, smsSecret: secretsmanager.ISecret | undefined): this {
    if (settings.emailFrom && settings.emailIdentity) {
      this.setEnvironment('NOTIFY_EMAIL_FROM', settings.emailFrom);
      const stack = Stack.of(this);
      iam.Grant.addToPrincipal({
        grantee: this,
        actions: ['ses:SendEmail'],
        resourceArns: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: settings.emailIdentity }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': settings.emailFrom } },
      });
    }
    if (settings.smsSignName && settings.smsTemplateCodes && smsSecret) {
      this.setEnvironment('ALIYUN_SMS_SIGN_NAME', settings.smsSignName);
      this.setEnvironment('ALIYUN_SMS_TEMPLATE_CODES', settings.smsTemplateCodes);
      this.setEnvironment('ALIYUN_SMS_SECRET_ID', smsSecret.secretArn);
      // On the role only: Secret.grantRead would also write the other stack's key policy (a cycle).
      iam.Grant.addToPrincipal({
        grantee: this,
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resourceArns: [smsSecret.secretArn],
      });
      smsSecret.encryptionKey?.grantDecrypt(this);
    }
    return this;
  }

  /**
   * Reads tenants' alert contacts (shared/adapters/dynamo/alert-contacts.ts): GetItem on the table itself,
   * only on its `ACCT#` keys, for notifications that name no recipients.
   */
  useAlertContacts(definition: TableDefinition, table: dynamodb.ITable): this {
    return this.useTableItems(definition, table, ['dynamodb:GetItem'], 'ACCT#*');
  }

  /**
   * Records which recipients each notification reached (shared/adapters/dynamo/notification-deliveries.ts):
   * Query and PutItem on the table itself (no index), and only on its `DELIVERY#` keys.
   */
  useNotificationDeliveries(definition: TableDefinition, table: dynamodb.ITable): this {
    return this.useTableItems(definition, table, ['dynamodb:Query', 'dynamodb:PutItem'], 'DELIVERY#*');
  }

  /**
   * The narrow table grants above: only these item actions on the table itself (no index), on the keys
   * starting `leadingKeys` when given, and its key (decrypt only for a read).
   */
  private useTableItems(
    definition: TableDefinition,
    table: dynamodb.ITable,
    actions: string[],
    leadingKeys?: string,
  ): this {
    this.setEnvironment(definition.envVar, table.tableName);
    iam.Grant.addToPrincipal({
      grantee: this,
      actions,
      resourceArns: [table.tableArn],
      ...(leadingKeys
        ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [leadingKeys] } } }
        : {}),
    });
    if (!table.encryptionKey) return this;
    if (actions.every((action) => action === 'dynamodb:GetItem')) {
      table.encryptionKey.grantDecrypt(this);
      return this;
    }
    table.encryptionKey.grantEncryptDecrypt(this);
    acknowledgeWildcardActions(
      this,
      KMS_GRANT_WILDCARDS,
      `CDK's grant on the one customer-managed key encrypting the ${definition.id} table`,
    );
    return this;
  }

  /** Sends to a queue (and uses its key). */
  useQueue(envVar: string, queue: sqs.IQueue): this {
    this.setEnvironment(envVar, queue.queueUrl);
    queue.grantSendMessages(this);
    acknowledgeWildcardActions(
      this,
      KMS_GRANT_WILDCARDS,
      `CDK's grant on the one key encrypting the queue in ${envVar}`,
    );
    return this;
  }

  /** Presigns uploads to, and checks objects in, a bucket. */
  useBucket(envVar: string, bucket: s3.IBucket): this {
    this.setEnvironment(envVar, bucket.bucketName);
    bucket.grantPut(this);
    bucket.grantRead(this);
    acknowledgeWildcardResource(
      this,
      bucket.arnForObjects('*'),
      `Objects of the bucket in ${envVar}: keys are per tenant and application, created at runtime`,
    );
    acknowledgeWildcardActions(
      this,
      ['s3:Abort*', 's3:GetObject*', 's3:GetBucket*', 's3:List*', ...KMS_GRANT_WILDCARDS],
      `CDK's grantPut/grantRead on the one bucket in ${envVar} (presigned uploads, existence checks) and its one key`,
    );
    return this;
  }

  /**
   * Signs download links to objects under `keyPattern` of a bucket: s3:GetObject on those objects only (no
   * listing, no writes unless `alsoActions` names them), and kms:Decrypt on the bucket's key, since the link
   * is signed with this role.
   */
  useObjectsForDownload(
    envVar: string,
    bucket: s3.IBucket,
    keyPattern: string,
    why = 'one per recorded call, named by Connect at runtime',
    /** More object actions on the same keys (deleting a tenant's prompt: s3:DeleteObject). */
    alsoActions: readonly string[] = [],
  ): this {
    this.setEnvironment(envVar, bucket.bucketName);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', ...alsoActions],
        resources: [bucket.arnForObjects(keyPattern)],
      }),
    );
    bucket.encryptionKey?.grantDecrypt(this);
    acknowledgeWildcardResource(
      this,
      bucket.arnForObjects(keyPattern),
      `Objects of the bucket in ${envVar} under ${keyPattern}: ${why}`,
    );
    return this;
  }
}

/** esbuild writes the bundle to outputDir; data files the handler opens at runtime go beside it. */
function copyBesideBundle(assets: readonly string[]) {
  return {
    beforeBundling: (): string[] => [],
    beforeInstall: (): string[] => [],
    afterBundling: (inputDir: string, outputDir: string): string[] =>
      assets.map((asset) => `cp ${shellQuote(normalize(join(inputDir, asset)))} ${shellQuote(outputDir)}/`),
  };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}
