/** Builders for API Gateway v2 events as the JWT authorizer hands them to functions (claims as strings). */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import type { Role } from '../../shared/http/roles.js';

export interface EventOptions {
  readonly tenantId?: string;
  readonly roles?: readonly Role[];
  /** The token's `sub` (the user); user-1 when absent. */
  readonly subject?: string;
  /** The token's `email` claim. */
  readonly email?: string;
  readonly path?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Omit the authorizer claims entirely (what a misconfigured route would pass). */
  readonly anonymous?: boolean;
  readonly at?: Date;
}

export function apiEvent(options: EventOptions = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const roles = options.roles ?? ['tenant-admin'];
  const claims: Record<string, string> = {
    sub: options.subject ?? 'user-1',
    'cognito:groups': `[${roles.join(' ')}]`,
  };
  if (options.tenantId !== undefined) claims['custom:tenant_id'] = options.tenantId;
  if (options.email !== undefined) claims.email = options.email;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const at = options.at ?? new Date('2026-11-25T02:00:00Z');
  return {
    version: '2.0',
    routeKey: 'ANY /test',
    rawPath: '/test',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    queryStringParameters: options.query,
    pathParameters: options.path,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '111122223333',
      apiId: 'api',
      authorizer: options.anonymous
        ? undefined
        : { principalId: 'user-1', integrationLatency: 0, jwt: { claims, scopes: [] } },
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: 'GET', path: '/test', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: 'ANY /test',
      stage: '$default',
      time: at.toISOString(),
      timeEpoch: at.getTime(),
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export const lambdaContext = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:111122223333:function:test',
  memoryLimitInMB: '256',
  awsRequestId: 'aws-req-1',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;
