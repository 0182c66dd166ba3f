/**
 * The local HTTP front: serves every route of shared/http/routes.ts by calling the very handler module
 * the CDK deploys, with an API Gateway v2 event built as the JWT authorizer would (verified claims,
 * strings only). Control routes under /local/* come from the capabilities and the runtime itself.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorBody } from '../../shared/http/api-handler.js';
import { buildOpenApiDocument } from '../../shared/http/openapi.js';
import { ROUTES, type RouteDefinition } from '../../shared/http/routes.js';
import type { ControlRoute, LocalRuntimeContext } from './capability.js';
import type { LocalTokenIssuer } from './tokens.js';

/** API Gateway's own payload limit. Handlers apply their own, smaller one. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

interface Matcher {
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile(path: string): Matcher {
  const names: string[] = [];
  const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${pattern}$`), names };
}

/** A path segment that is not valid percent-encoded UTF-8 (`%ZZ`, a cut `%E0%A4%A`): a 400, never a crash. */
class MalformedPath extends Error {}

function match(matcher: Matcher, path: string): Record<string, string> | undefined {
  const found = matcher.pattern.exec(path);
  if (!found) return undefined;
  const params: Record<string, string> = {};
  matcher.names.forEach((name, i) => {
    try {
      params[name] = decodeURIComponent(found[i + 1] ?? '');
    } catch {
      throw new MalformedPath(name);
    }
  });
  return params;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Control routes mint tokens and move money and time, so only this machine may call them: the Host must be
 * a loopback name (a DNS-rebinding page has its own), a browser's Origin must be a loopback one, and bodies
 * must be JSON — a cross-site page can send text/plain without a preflight, never application/json. Routes
 * that stand in for presigned uploads take raw bytes, still from this machine only.
 */
function controlRefusal(request: IncomingMessage, route: ControlRoute, body: Buffer) {
  const hostName = (header: string | undefined) => {
    try {
      return header ? new URL(header.includes('://') ? header : `http://${header}`).hostname : undefined;
    } catch {
      return undefined;
    }
  };
  const host = hostName(request.headers.host);
  const origin = request.headers.origin;
  if (!host || !LOCAL_HOSTS.has(host) || (origin !== undefined && !LOCAL_HOSTS.has(hostName(origin) ?? ''))) {
    return {
      status: 403,
      body: errorBody('forbidden_origin', 'local control routes answer this machine only'),
    };
  }
  const type = String(request.headers['content-type'] ?? '');
  if (body.length > 0 && !route.rawBody && !/^application\/json\s*(;|$)/i.test(type)) {
    return {
      status: 415,
      body: errorBody('unsupported_media_type', 'local control routes take application/json', 'content-type'),
    };
  }
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new RangeError('request entity too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(text);
}

/** Query parameters as API Gateway v2 gives them: repeated keys joined with commas. */
function queryParameters(url: URL): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) out[key] = url.searchParams.getAll(key).join(',');
  return Object.keys(out).length ? out : undefined;
}

export interface LocalHttpServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly tokens: LocalTokenIssuer;
  readonly context: LocalRuntimeContext;
  readonly controlRoutes: readonly ControlRoute[];
}

export interface LocalHttpServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startHttpServer(options: LocalHttpServerOptions): Promise<LocalHttpServer> {
  const apiRoutes = ROUTES.map((route) => ({ route, matcher: compile(route.path) }));
  const controlRoutes = options.controlRoutes.map((route) => ({ route, matcher: compile(route.path) }));
  let baseUrl = '';

  async function serveApi(
    request: IncomingMessage,
    url: URL,
    route: RouteDefinition,
    params: Record<string, string>,
    body: Buffer,
  ) {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    const requestId = randomUUID();
    const authorization = headers.authorization ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
    const claims = bearer ? await options.tokens.verify(bearer) : undefined;
    if (!claims) {
      // API Gateway's JWT authorizer answers 401 before any function runs.
      return {
        statusCode: 401,
        headers: { 'www-authenticate': 'Bearer' },
        body: JSON.stringify(errorBody('unauthorized', 'a valid bearer token is required')),
      };
    }
    const now = options.context.clock.now().getTime();
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      queryStringParameters: queryParameters(url),
      pathParameters: Object.keys(params).length ? params : undefined,
      body: body.length ? body.toString('utf8') : undefined,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: { principalId: claims.sub ?? '', integrationLatency: 0, jwt: { claims, scopes: [] } },
        domainName: url.host,
        domainPrefix: 'local',
        http: {
          method: route.method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: `${route.method} ${route.path}`,
        stage: '$default',
        time: new Date(now).toISOString(),
        timeEpoch: now,
      },
    } as APIGatewayProxyEventV2WithJWTAuthorizer;
    const handler = await options.context.loadHandler<typeof event, APIGatewayProxyStructuredResultV2>(
      route.entry,
    );
    return handler(event, options.context.lambdaContext(route.id));
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', baseUrl);
    const method = (request.method ?? 'GET').toUpperCase();
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch {
      send(response, 413, errorBody('payload_too_large', 'request body is larger than 10 MB'));
      return;
    }

    if (method === 'GET' && url.pathname === '/openapi.json') {
      send(response, 200, buildOpenApiDocument(baseUrl));
      return;
    }

    if (url.pathname.startsWith('/local/')) {
      for (const { route, matcher } of controlRoutes) {
        const params = route.method === method ? match(matcher, url.pathname) : undefined;
        if (!params) continue;
        const refusal = controlRefusal(request, route, body);
        if (refusal) {
          send(response, refusal.status, refusal.body);
          return;
        }
        let parsed: unknown;
        // Raw uploads (local presigned document PUTs) keep their bytes in rawBody; JSON is parsed as before.
        const type = String(request.headers['content-type'] ?? 'application/json');
        if (body.length && /json/i.test(type)) {
          try {
            parsed = JSON.parse(body.toString('utf8'));
          } catch {
            send(response, 400, errorBody('malformed_json', 'body is not valid JSON', 'body'));
            return;
          }
        }
        const query = Object.fromEntries(url.searchParams.entries());
        const result = await route.handle({ params, query, body: parsed, rawBody: body }, options.context);
        send(response, result.status, result.body ?? '');
        return;
      }
      send(response, 404, errorBody('route_not_found', `no local control route ${method} ${url.pathname}`));
      return;
    }

    for (const { route, matcher } of apiRoutes) {
      if (route.method !== method) continue;
      const params = match(matcher, url.pathname);
      if (!params) continue;
      const result = await serveApi(request, url, route, params, body);
      const headers = Object.fromEntries(
        Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
      );
      response.writeHead(result.statusCode ?? 200, headers);
      response.end(
        result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''),
      );
      return;
    }
    send(response, 404, errorBody('route_not_found', `no route ${method} ${url.pathname}`));
  }

  const server: Server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      if (error instanceof MalformedPath) {
        send(
          response,
          400,
          errorBody(
            'malformed_path',
            `path parameter ${error.message} is not valid percent-encoding`,
            error.message,
          ),
        );
        return;
      }
      console.error('local server error', error);
      if (!response.headersSent)
        send(response, 500, errorBody('internal_error', 'local runtime error; see its console'));
      else response.end();
    });
  });
  // What Node's HTTP parser refuses before any handler runs (a request line and headers over 16 KB, broken
  // HTTP) is answered in the API's error shape too, not Node's bare status line.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify(
      tooLarge
        ? errorBody('request_too_large', 'the request line and headers exceed 16 KB')
        : errorBody('malformed_request', 'not a valid HTTP request'),
    );
    socket.end(
      `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `connection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
