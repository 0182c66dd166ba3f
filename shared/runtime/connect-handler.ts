/**
 * The one way a Lambda that Amazon Connect's contact flow invokes is built (beside apiHandler and
 * jobHandler): the event read into a plain `ConnectCall` that never throws on a malformed event, the
 * call's instant from the clock in force (`clock()`), or the local call simulator's `simulatedAt`
 * (honoured only by the local runtime), and Powertools-shaped logs and metrics (./call-telemetry.ts).
 * Kept small: Connect waits on these functions, cold starts included (no zod, no SDK, no Powertools, no middy).
 */
import type { ConnectContactFlowEvent, Context } from 'aws-lambda';
import { CallLogger, CallMetrics, configuredLogLevel } from './call-telemetry.js';
import { clock } from './ports.js';

const service = process.env.POWERTOOLS_SERVICE_NAME ?? 'hotline400';
const now = () => clock().now();

export const callLogger = new CallLogger({
  service,
  level: configuredLogLevel(process.env),
  initializationType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE,
  now,
});
export const callMetrics = new CallMetrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'hotline400',
  service,
  disabled: process.env.POWERTOOLS_METRICS_DISABLED === 'true',
  now,
});

export interface ConnectCall {
  readonly contactId: string;
  /** The Connect instance id (the last part of the instance ARN); '' when absent. */
  readonly instanceId: string;
  /** The number the caller dialled (the access number, E.164). */
  readonly accessNumber: string;
  /** The caller's number as Connect reports it. */
  readonly caller: string;
  /** The flow block's parameters, as strings. */
  readonly params: Readonly<Record<string, string>>;
  readonly now: Date;
}

const text = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);

/** The instant of a call: the local call simulator replays calls at a chosen one; only locally. */
export function connectInstant(params: Readonly<Record<string, unknown>>, now: Date): Date {
  if (process.env.HOTLINE_RUNTIME !== 'local' || typeof params.simulatedAt !== 'string') return now;
  const at = new Date(params.simulatedAt);
  return Number.isNaN(at.getTime()) ? now : at;
}

/** The event as a ConnectCall, whatever its shape (Connect's tests and malformed events included). */
export function connectCall(event: ConnectContactFlowEvent | undefined, now: Date): ConnectCall {
  const data = event?.Details?.ContactData;
  const raw = (event?.Details?.Parameters ?? {}) as Record<string, unknown>;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) params[name] = text(value);
  const instanceArn = text(data?.InstanceARN);
  return {
    contactId: text(data?.ContactId),
    instanceId: instanceArn.split('/').pop() ?? '',
    accessNumber: text(data?.SystemEndpoint?.Address),
    caller: text(data?.CustomerEndpoint?.Address),
    params,
    now: connectInstant(raw, now),
  };
}

export function connectHandler<R extends Readonly<Record<string, string>>>(
  run: (call: ConnectCall) => Promise<R>,
) {
  return async (event: ConnectContactFlowEvent, context?: Context): Promise<R> => {
    callLogger.begin(context);
    try {
      return await run(connectCall(event, clock().now()));
    } finally {
      // Also when run throws, as Powertools' logMetrics publishes on error.
      callMetrics.publish();
    }
  };
}
