/**
 * The one way an HTTP handler is built: middy with Powertools logging, metrics and tracing; the verified
 * token turned into a principal (tenant only from claims, never from the request); path, query and body
 * validated with zod/mini schemas; a per-tenant rate limit on routes that name a class (429 with Retry-After);
 * list cursors signed on the way out and checked on the way in (cursors.ts); errors mapped to
 * `{"error":{"code","message","field"?}}`; every successful write (any method but GET) appended to the audit
 * trail with its actor, tenant, route, request id and object.
 * A handler module is then a few lines: a schema, a call into the domain, the result.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import {
  type AuditEvent,
  type AuditNote,
  auditSummary,
  PLATFORM_PARTITION,
} from '../domain/audit/audit-event.js';
import { DomainError, type ErrorKind } from '../domain/errors.js';
import {
  parseRateBudgets,
  RATE_LIMITS_ENV,
  type RateBudgets,
  type RateLimitClass,
  type RouteRateLimit,
  rateHolder,
  retryAfterSeconds,
  WHEN_LIMITER_UNAVAILABLE,
} from '../domain/rate-limits.js';
import { logger, MetricUnit, metrics } from '../observability.js';
import type { AuditTrail } from '../ports/audit.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import { clock, port } from '../runtime/ports.js';
import { tracer } from '../tracing.js';
import { wantsCsv } from './csv.js';
import { cursorBinding, openQueryCursor, signBodyCursor } from './cursors.js';
import { GROUPS_CLAIM, ROLES, type Role, TENANT_CLAIM } from './roles.js';
import { ownRoute, type RouteDefinition } from './routes.js';

// zod/mini ships no messages; its English locale (5 KB) says what is wrong ("expected one of ...").
z.config(en());

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResponse = APIGatewayProxyStructuredResultV2;

/** Bodies above this are refused before parsing (API Gateway would accept up to 10 MB). */
export const MAX_BODY_BYTES = 256 * 1024;

export interface Principal {
  readonly subject: string;
  /** Present for tenant users; operators may have none. */
  readonly tenantId: string | undefined;
  readonly roles: readonly Role[];
  /** The token's `email` claim (ID tokens carry it), recorded in the audit trail. */
  readonly email?: string;
}

export interface ApiRequest<P, Q, B> {
  readonly path: P;
  readonly query: Q;
  readonly body: B;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly principal: Principal;
  readonly correlationId: string;
  /** The instant the request arrived; business rules take time from here, never from a clock call. */
  readonly now: Date;
}

export interface ApiResult {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** A non-JSON body (CSV downloads), sent as is; `headers` must then carry its content-type. */
  readonly text?: string;
  /** What the audit trail records of a write beyond what the wrapper knows (object, before/after). */
  readonly audit?: AuditNote;
}

export interface ApiSpec<P, Q, B> {
  readonly path?: z.ZodMiniType<P>;
  readonly query?: z.ZodMiniType<Q>;
  readonly body?: z.ZodMiniType<B>;
}

const STATUS: Record<ErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payment_required: 402,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

export function json(
  status: number,
  body: unknown,
  correlationId?: string,
  extra?: Record<string, string>,
): ApiResponse {
  return {
    statusCode: status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
      ...extra,
    },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

export function errorBody(code: string, message: string, field?: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) } };
}

/** Splits API Gateway's flattened claim ("[a b]") or a real array into role names we know. */
export function rolesFromClaim(claim: unknown): Role[] {
  const raw = Array.isArray(claim)
    ? claim.map(String)
    : typeof claim === 'string'
      ? claim.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  return raw.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}

export function principalFrom(event: ApiEvent): Principal {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string') {
    throw new DomainError('unauthorized', 'unauthorized', 'a valid bearer token is required');
  }
  const tenant = claims[TENANT_CLAIM];
  const email = claims.email;
  return {
    subject: claims.sub,
    tenantId: typeof tenant === 'string' && tenant !== '' ? tenant : undefined,
    roles: rolesFromClaim(claims[GROUPS_CLAIM]),
    ...(typeof email === 'string' && email !== '' ? { email } : {}),
  };
}

/** The tenant a tenant-scoped route acts for: only ever the token's. */
export function requireTenant(principal: Principal): string {
  if (!principal.tenantId)
    throw new DomainError('forbidden', 'tenant_required', 'this route needs a tenant user');
  return principal.tenantId;
}

/** A route that declares no query takes none: an unknown parameter is a 400, never silently ignored. */
const NO_QUERY = z.strictObject({});

function validate<T>(schema: z.ZodMiniType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const keys = issue && 'keys' in issue && Array.isArray(issue.keys) ? (issue.keys as string[]) : [];
  const path = [...(issue?.path ?? []), ...keys.slice(0, 1)].map(String).join('.');
  const field = path === '' ? where : path;
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown field ${field}`
      : `${field}: ${issue?.message ?? 'invalid'}`;
  throw new DomainError(
    'validation',
    issue?.code === 'unrecognized_keys' ? 'unknown_field' : 'invalid_input',
    message,
    field,
  );
}

function parseBody(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new DomainError(
      'payload_too_large',
      'payload_too_large',
      `body is larger than ${MAX_BODY_BYTES} bytes`,
    );
  }
  const type = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (!/^application\/(.+\+)?json($|;)/i.test(type)) {
    throw new DomainError(
      'unsupported_media_type',
      'unsupported_media_type',
      'send JSON with content-type application/json',
    );
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new DomainError('validation', 'malformed_json', 'body is not valid JSON', 'body');
  }
}

export function mapError(error: unknown, correlationId: string): ApiResponse {
  if (error instanceof DomainError) {
    const status = STATUS[error.kind];
    if (status >= 500) logger.error('service unavailable', { error });
    return json(status, errorBody(error.code, error.message, error.field, error.details), correlationId);
  }
  logger.error('unhandled error', { error: error as Error });
  return json(
    500,
    errorBody('internal_error', 'something went wrong on our side; quote the correlation id'),
    correlationId,
  );
}

type RateLimiterChoice = RateLimiter | 'default' | 'off';
let rateLimiterChoice: RateLimiterChoice = 'default';

/**
 * Installs the rate limiter: an implementation, 'off', or 'default' — the `rateLimiter` port (DynamoDB) in
 * Lambda and in the local runtime, none elsewhere, so handler tests never count requests unless they ask to.
 */
export function useRateLimiter(choice: RateLimiterChoice): void {
  rateLimiterChoice = choice;
}

async function currentRateLimiter(): Promise<RateLimiter | undefined> {
  if (rateLimiterChoice === 'off') return undefined;
  if (rateLimiterChoice !== 'default') return rateLimiterChoice;
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME && process.env.HOTLINE_RUNTIME !== 'local') return undefined;
  return port('rateLimiter');
}

type AuditTrailChoice = AuditTrail | 'default' | 'off';
let auditTrailChoice: AuditTrailChoice = 'default';

/**
 * Installs the audit trail: an implementation, 'off', or 'default' — the `auditTrail` port (DynamoDB) in
 * Lambda and in the local runtime, none elsewhere (handler tests record nothing unless they ask to).
 */
export function useAuditTrail(choice: AuditTrailChoice): void {
  auditTrailChoice = choice;
}

async function currentAuditTrail(): Promise<AuditTrail | undefined> {
  if (auditTrailChoice === 'off') return undefined;
  if (auditTrailChoice !== 'default') return auditTrailChoice;
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME && process.env.HOTLINE_RUNTIME !== 'local') return undefined;
  return port('auditTrail');
}

/** The concrete path of the request (`/v1/numbers/4008001234/routing`): the object a write names by default. */
function requestPath(route: RouteDefinition, event: ApiEvent): string {
  return (
    event.rawPath ??
    route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => event.pathParameters?.[name] ?? `{${name}}`)
  );
}

/** The event one successful write leaves in the trail (tenant: the token's, else the path's or the route's). */
export function auditEventOf(
  route: RouteDefinition,
  event: ApiEvent,
  principal: Principal,
  context: { correlationId: string; requestId: string; now: Date; status: number; note?: AuditNote },
): AuditEvent {
  const operator = principal.roles.includes('operator') && principal.tenantId === undefined;
  const tenantId =
    principal.tenantId ?? context.note?.tenantId ?? event.pathParameters?.tenantId ?? PLATFORM_PARTITION;
  const at = context.now.toISOString();
  const before = auditSummary(context.note?.before);
  const after = auditSummary(context.note?.after);
  return {
    eventId: `${at}#${context.requestId}`,
    at,
    tenantId,
    actor: {
      kind: operator ? 'operator' : 'tenant',
      sub: principal.subject,
      ...(principal.email ? { email: principal.email } : {}),
    },
    routeId: route.id,
    method: route.method,
    requestId: context.requestId,
    correlationId: context.correlationId,
    object: (context.note?.object ?? requestPath(route, event)).slice(0, 512),
    status: context.status,
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
  };
}

/**
 * Appends a write's event. The write itself has happened: a failure here is logged with the whole event
 * (so it is not lost) and counted (`AuditWriteFailed` alarms), and the client still gets its answer.
 */
async function recordWrite(event: AuditEvent): Promise<void> {
  try {
    const trail = await currentAuditTrail();
    await trail?.append(event);
  } catch (error) {
    logger.error('audit event not recorded', { error: error as Error, auditEvent: event });
    metrics.addMetric('AuditWriteFailed', MetricUnit.Count, 1);
  }
}

let rateBudgetsCache: { readonly spec: string | undefined; readonly budgets: RateBudgets } | undefined;

function rateBudgets(): RateBudgets {
  const spec = process.env[RATE_LIMITS_ENV];
  if (!rateBudgetsCache || rateBudgetsCache.spec !== spec) {
    const parsed = parseRateBudgets(spec);
    if (parsed.problems.length > 0) {
      logger.warn('ignoring malformed rate-limit settings', { problems: parsed.problems });
    }
    rateBudgetsCache = { spec, budgets: parsed.budgets };
  }
  return rateBudgetsCache.budgets;
}

/** The class a request counts against (CSV told apart as the CSV routes do). */
function rateLimitClassOf(limit: RouteRateLimit | undefined, event: ApiEvent): RateLimitClass | undefined {
  if (limit === undefined || typeof limit === 'string') return limit;
  return wantsCsv(event.queryStringParameters?.format, event.headers) ? limit.csv : limit.json;
}

/**
 * The 429 for a tenant (or operator) over its budget on this route's class, or undefined to go on. When the
 * counter cannot answer, the class decides (WHEN_LIMITER_UNAVAILABLE): reads are admitted and counted,
 * writes and expensive routes get a 503 with Retry-After.
 */
async function rateLimitResponse(
  route: RouteDefinition,
  event: ApiEvent,
  principal: Principal,
  now: Date,
  correlationId: string,
): Promise<ApiResponse | undefined> {
  const limitClass = rateLimitClassOf(route.rateLimit, event);
  if (!limitClass) return undefined;
  const limit = rateBudgets()[limitClass];
  if (limit === undefined) return undefined;
  const holder = rateHolder(principal.tenantId, principal.subject);
  let admitted: boolean;
  try {
    const limiter = await currentRateLimiter();
    if (!limiter) return undefined;
    admitted = await limiter.admit({ holder, limitClass, now, limit });
  } catch (error) {
    if (WHEN_LIMITER_UNAVAILABLE[limitClass] === 'admit') {
      logger.warn('rate limiter unavailable; read admitted', { error: error as Error, limitClass });
      metrics.addMetric('RateLimiterFailedOpen', MetricUnit.Count, 1);
      return undefined;
    }
    logger.warn('rate limiter unavailable; request refused', { error: error as Error, limitClass });
    metrics.addMetric('RateLimiterFailedClosed', MetricUnit.Count, 1);
    return json(
      503,
      errorBody('rate_limiter_unavailable', 'we cannot admit this request right now; retry in 1 s'),
      correlationId,
      { 'retry-after': '1' },
    );
  }
  if (admitted) return undefined;
  metrics.addMetric('RateLimited', MetricUnit.Count, 1);
  const retryAfter = retryAfterSeconds(now);
  return json(
    429,
    errorBody(
      'rate_limited',
      `the ${limit} ${limitClass} requests a minute of this ${principal.tenantId ? 'tenant' : 'operator'} are used; retry in ${retryAfter} s`,
    ),
    correlationId,
    { 'retry-after': String(retryAfter) },
  );
}

export function apiHandler<P = undefined, Q = undefined, B = undefined>(
  routeOrId: string | RouteDefinition,
  spec: ApiSpec<P, Q, B>,
  run: (request: ApiRequest<P, Q, B>) => Promise<ApiResult>,
) {
  const route = typeof routeOrId === 'string' ? ownRoute(routeOrId) : routeOrId;
  const base = async (event: ApiEvent, context: Context): Promise<ApiResponse> => {
    const response = await handle(event, context);
    const status = response.statusCode ?? 200;
    metrics.addDimension('route', route.id);
    metrics.addMetric(
      status >= 500 ? 'ServerError' : status >= 400 ? 'ClientError' : 'Success',
      MetricUnit.Count,
      1,
    );
    return response;
  };
  const handle = async (event: ApiEvent, _context: Context): Promise<ApiResponse> => {
    const headers = event.headers ?? {};
    // A caller's own correlation id is kept only when it looks like one: it reaches logs and a response header.
    const offered = headers['x-correlation-id'];
    const correlationId =
      offered && /^[\w.:-]{1,128}$/.test(offered)
        ? offered
        : (event.requestContext?.requestId ?? crypto.randomUUID());
    logger.appendKeys({ correlationId, route: route.id });
    try {
      const principal = principalFrom(event);
      logger.appendKeys({ tenantId: principal.tenantId });
      if (!principal.roles.some((role) => route.roles.includes(role))) {
        throw new DomainError(
          'forbidden',
          'forbidden',
          `this route needs one of the roles: ${route.roles.join(', ')}`,
        );
      }
      const now = new Date(event.requestContext?.timeEpoch ?? clock().now().getTime());
      const limited = await rateLimitResponse(route, event, principal, now, correlationId);
      if (limited) return limited;
      const path = validate(spec.path, event.pathParameters ?? {}, 'path');
      const query = validate(
        spec.query ?? (NO_QUERY as z.ZodMiniType<unknown>),
        event.queryStringParameters ?? {},
        'query',
      ) as Q;
      const binding = () => cursorBinding(route, principal, event);
      const request: ApiRequest<P, Q, B> = {
        path,
        query: await openQueryCursor(query, binding, now),
        body: spec.body ? validate(spec.body, parseBody(event), 'body') : (undefined as B),
        headers,
        principal,
        correlationId,
        now,
      };
      const result = await run(request);
      const status = result.status ?? 200;
      if (route.method !== 'GET' && status < 400) {
        await recordWrite(
          auditEventOf(route, event, principal, {
            correlationId,
            requestId: event.requestContext?.requestId ?? correlationId,
            now,
            status,
            note: result.audit,
          }),
        );
      }
      if (result.text !== undefined) {
        return {
          statusCode: status,
          headers: { 'x-correlation-id': correlationId, ...result.headers },
          body: result.text,
        };
      }
      const body = await signBodyCursor(result.body, binding, now);
      return json(status, body, correlationId, result.headers);
    } catch (error) {
      return mapError(error, correlationId);
    } finally {
      logger.removeKeys(['tenantId']);
    }
  };
  return middy(base)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
