/**
 * Logs and metrics of the functions Amazon Connect waits on (route-call, arm-call-limit), written here by
 * hand on purpose: Powertools' logger and metrics were 35 KB of route-call's 86 KB bundle and ~6 ms of its
 * cold import, the figure the issue holds to 1.5× a bare start (bench/routing.ts:
 * routeCall.coldImportRatio). They write Powertools' shapes — the same log keys, the same EMF documents
 * (test/unit/call-telemetry.test.ts compares them with Powertools' own output) — so log queries, the ops
 * dashboard and the alarms read these functions like every other. Everything else uses ../observability.ts.
 * Settings are Powertools' variables: POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE,
 * POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_DISABLED.
 */
import type { Context } from 'aws-lambda';

/** Powertools' level numbers: a line is written when its level is at least the configured one. */
const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
type LevelName = keyof typeof LEVELS;
type Extra = Readonly<Record<string, unknown>>;

export const MetricUnit = { Count: 'Count', Milliseconds: 'Milliseconds' } as const;
export type MetricUnitName = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Where lines go: stdout, or stderr for warnings and errors (as Powertools' console does). */
export type LineWriter = (line: string, stream: 'stdout' | 'stderr') => void;

const writeLine: LineWriter = (line, stream) => {
  process[stream].write(`${line}\n`);
};

function levelOf(name: string | undefined): number {
  return LEVELS[(name ?? '').toUpperCase() as LevelName] ?? LEVELS.INFO;
}

/** As Powertools reads it: Lambda's own log level (advanced logging controls) wins over POWERTOOLS_LOG_LEVEL. */
export function configuredLogLevel(env: NodeJS.ProcessEnv): string | undefined {
  const lambda = env.AWS_LAMBDA_LOG_LEVEL?.trim().toUpperCase();
  return lambda ? (lambda === 'FATAL' ? 'CRITICAL' : lambda) : env.POWERTOOLS_LOG_LEVEL;
}

/** An Error as Powertools logs it: name, location (the first file:line in the stack), message, stack, cause, own keys. */
function errorFields(error: Error): Record<string, unknown> {
  const frame = error.stack
    ?.split('\n')
    .map((line) => /\(([^()]*?):(\d+?):(\d+?)\)\\?$/.exec(line))
    .find((match) => match !== null);
  const fields: Record<string, unknown> = {
    name: error.name,
    location: frame ? `${frame[1]}:${Number(frame[2])}` : '',
    message: error.message,
    stack: error.stack,
    cause: error.cause instanceof Error ? errorFields(error.cause) : error.cause,
  };
  for (const [key, value] of Object.entries(error))
    if (!['name', 'message', 'stack', 'cause'].includes(key)) fields[key] = value;
  return fields;
}

export interface CallLoggerOptions {
  readonly service: string;
  readonly level?: string;
  readonly write?: LineWriter;
  readonly now: () => Date;
  /** Lambda's AWS_LAMBDA_INITIALIZATION_TYPE: only an on-demand environment has a cold start to report. */
  readonly initializationType?: string;
}

export class CallLogger {
  readonly #service: string;
  readonly #level: number;
  readonly #write: LineWriter;
  readonly #now: () => Date;
  #invocation: Record<string, unknown> = {};
  #coldStart: boolean;

  constructor(options: CallLoggerOptions) {
    this.#coldStart = options.initializationType?.trim() === 'on-demand';
    this.#service = options.service;
    this.#level = levelOf(options.level);
    this.#write = options.write ?? writeLine;
    this.#now = options.now;
  }

  /** The invocation's keys on every line that follows (Powertools' injectLambdaContext). */
  begin(context: Partial<Context> | undefined): void {
    const trace = /Root=([^;]+)/.exec(process.env._X_AMZN_TRACE_ID ?? '')?.[1];
    this.#invocation = {
      cold_start: this.#coldStart,
      ...(context?.invokedFunctionArn === undefined ? {} : { function_arn: context.invokedFunctionArn }),
      ...(context?.memoryLimitInMB === undefined
        ? {}
        : { function_memory_size: String(context.memoryLimitInMB) }),
      ...(context?.functionName === undefined ? {} : { function_name: context.functionName }),
      ...(context?.awsRequestId === undefined ? {} : { function_request_id: context.awsRequestId }),
      sampling_rate: 0,
      ...(trace ? { xray_trace_id: trace } : {}),
    };
    this.#coldStart = false;
  }

  info(message: string, extra?: Extra): void {
    this.#log('INFO', message, extra);
  }

  warn(message: string, extra?: Extra): void {
    this.#log('WARN', message, extra);
  }

  error(message: string, extra?: Extra): void {
    this.#log('ERROR', message, extra);
  }

  #log(level: 'INFO' | 'WARN' | 'ERROR', message: string, extra: Extra | undefined): void {
    if (LEVELS[level] < this.#level) return;
    const line: Record<string, unknown> = {
      level,
      message,
      timestamp: this.#now().toISOString(),
      service: this.#service,
      ...this.#invocation,
    };
    for (const [key, value] of Object.entries(extra ?? {}))
      line[key] = value instanceof Error ? errorFields(value) : value;
    this.#write(JSON.stringify(line), level === 'INFO' ? 'stdout' : 'stderr');
  }
}

export interface CallMetricsOptions {
  readonly namespace: string;
  readonly service: string;
  readonly disabled?: boolean;
  readonly write?: LineWriter;
  readonly now: () => Date;
}

interface StoredMetric {
  readonly name: string;
  readonly unit: MetricUnitName;
  readonly value: number;
}

/** CloudWatch embedded metric format: one document per publish, the service dimension on every one. */
export class CallMetrics {
  readonly #namespace: string;
  readonly #service: string;
  readonly #disabled: boolean;
  readonly #write: LineWriter;
  readonly #now: () => Date;
  #dimensions: [string, string][] = [];
  #metrics: StoredMetric[] = [];

  constructor(options: CallMetricsOptions) {
    this.#namespace = options.namespace;
    this.#service = options.service;
    this.#disabled = options.disabled ?? false;
    this.#write = options.write ?? writeLine;
    this.#now = options.now;
  }

  addDimension(name: string, value: string): void {
    this.#dimensions.push([name, value]);
  }

  addMetric(name: string, unit: MetricUnitName, value: number): void {
    this.#metrics.push({ name, unit, value });
  }

  /** Published at once with the service dimension only: the exact series an alarm watches. */
  single(name: string, unit: MetricUnitName, value: number): void {
    this.#emit([], [{ name, unit, value }]);
  }

  /** Writes what the invocation stored (at its end, as Powertools' logMetrics) and starts afresh. */
  publish(): void {
    const [dimensions, metrics] = [this.#dimensions, this.#metrics];
    this.#dimensions = [];
    this.#metrics = [];
    if (metrics.length > 0) this.#emit(dimensions, metrics);
  }

  #emit(dimensions: readonly [string, string][], metrics: readonly StoredMetric[]): void {
    if (this.#disabled) return;
    const document: Record<string, unknown> = {
      _aws: {
        Timestamp: this.#now().getTime(),
        CloudWatchMetrics: [
          {
            Namespace: this.#namespace,
            Dimensions: [['service', ...dimensions.map(([name]) => name)]],
            Metrics: metrics.map(({ name, unit }) => ({ Name: name, Unit: unit })),
          },
        ],
      },
      service: this.#service,
    };
    for (const [name, value] of dimensions) document[name] = value;
    for (const { name, value } of metrics) document[name] = value;
    this.#write(JSON.stringify(document), 'stdout');
  }
}
