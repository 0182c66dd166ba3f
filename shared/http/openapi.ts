/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas the handlers use.
 * Served locally at GET /openapi.json and written to docs/openapi.json by `npm run openapi`.
 */
import { toJSONSchema } from 'zod/mini';
import { DEFAULT_RATE_BUDGETS, type RateLimitClass, type RouteRateLimit } from '../domain/rate-limits.js';
import { DEFAULT_PAGE_SIZE } from '../ports/paging.js';
import { ROUTES } from './routes.js';
import { ROUTE_SCHEMAS } from './schemas/index.js';
import { REQUEST_HEADERS } from './schemas/responses.js';
import type { RouteSchemas } from './schemas/types.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: RouteSchemas['body'], io: 'input' | 'output'): JsonSchema | undefined {
  if (!schema) return undefined;
  const json = toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  return json;
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable machine-readable code' },
        message: { type: 'string' },
        field: { type: 'string', description: 'The input field at fault, when one is' },
        details: { type: 'object' },
      },
    },
  },
};

/**
 * Query parameters that are numbers, though they arrive as strings and the input schemas check their
 * digits (test/unit/openapi.test.ts holds every route's schema to these bounds).
 */
export const INTEGER_QUERY_PARAMETERS: Readonly<Record<string, JsonSchema>> = {
  limit: { type: 'integer', minimum: 1, maximum: 100, default: DEFAULT_PAGE_SIZE, description: 'Page size' },
};

function parameters(kind: 'path' | 'query', schema: JsonSchema | undefined): JsonSchema[] {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const typed = (kind === 'query' && INTEGER_QUERY_PARAMETERS[name]) || property;
    return {
      name,
      in: kind,
      required: kind === 'path' ? true : required.has(name),
      schema: typed,
      ...(typeof typed.description === 'string' ? { description: typed.description } : {}),
    };
  });
}

/** The deployed API (stack output ApiUrl), then the local server (npm start). */
export const SERVERS: readonly JsonSchema[] = [
  {
    url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
    description: 'A deployment: the ApiUrl output of the Hotline400Stateless stack',
    variables: {
      apiId: { default: 'your-api-id', description: 'The HTTP API id' },
      region: { default: 'ap-southeast-1', description: 'The deployment region' },
    },
  },
  { url: 'http://localhost:3400', description: 'Local server (npm start)' },
];

function rateLimitExtension(limit: RouteRateLimit): JsonSchema {
  const of = (limitClass: RateLimitClass) => ({
    class: limitClass,
    perMinute: DEFAULT_RATE_BUDGETS[limitClass] ?? null,
  });
  return typeof limit === 'string' ? of(limit) : { ...of(limit.json), csv: of(limit.csv) };
}

/** Routes that answer 402 when money must be paid in first (an approval whose fees are not funded). */
const PAYMENT_REQUIRED_ROUTES: ReadonlySet<string> = new Set(['decideApplication']);

export function buildOpenApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const schemas = ROUTE_SCHEMAS[route.id] ?? {};
    const body = schemaOf(schemas.body, 'input');
    const response = schemaOf(schemas.response, 'output');
    const status = String(schemas.status ?? 200);
    const operation: Record<string, unknown> = {
      operationId: route.id,
      summary: route.summary,
      tags: [route.tag],
      security: [{ bearer: [] }],
      'x-hotline400-roles': route.roles,
      // The class and its default budget (requests per tenant per minute; a deployment may change it).
      ...(route.rateLimit ? { 'x-hotline400-rate-limit': rateLimitExtension(route.rateLimit) } : {}),
      parameters: [
        ...parameters('path', schemaOf(schemas.path, 'input')),
        ...parameters('query', schemaOf(schemas.query, 'input')),
        ...(REQUEST_HEADERS[route.id] ?? []).map((header) => ({ ...header, in: 'header' })),
      ],
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses: {
        ...Object.fromEntries(
          [status, ...(schemas.otherStatuses ?? []).map(String)].map((code) => [
            code,
            { description: 'Success', content: { 'application/json': { schema: response ?? {} } } },
          ]),
        ),
        '400': { $ref: '#/components/responses/BadRequest' },
        '401': { $ref: '#/components/responses/Unauthorized' },
        '403': { $ref: '#/components/responses/Forbidden' },
        '404': { $ref: '#/components/responses/NotFound' },
        '409': { $ref: '#/components/responses/Conflict' },
        ...(PAYMENT_REQUIRED_ROUTES.has(route.id)
          ? { '402': { $ref: '#/components/responses/PaymentRequired' } }
          : {}),
        ...(route.rateLimit ? { '429': { $ref: '#/components/responses/TooManyRequests' } } : {}),
      },
    };
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'hotline400 API',
      version: '1',
      description:
        '400 business hotlines: numbers, routing through Amazon Connect, calls, a prepaid ledger and billing.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    // A server this document is served from comes first, unless it is one of the listed ones.
    servers: [
      ...(serverUrl && !SERVERS.some((server) => server.url === serverUrl)
        ? [{ url: serverUrl, description: 'This server' }]
        : []),
      ...SERVERS,
    ],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: ERROR_SCHEMA },
      responses: {
        BadRequest: errorResponse('Invalid input; `field` names the culprit'),
        Unauthorized: errorResponse('Missing or invalid bearer token'),
        Forbidden: errorResponse('The token lacks a role this route needs'),
        NotFound: errorResponse('No such resource for this tenant'),
        Conflict: errorResponse('The resource is not in a state that allows this'),
        PaymentRequired: errorResponse(
          'Money must be paid in first (code `fees_not_funded`: `details` give `due`, `available` and `missing` fen)',
        ),
        TooManyRequests: {
          ...errorResponse(
            "The tenant used this route class's budget for the current minute (code `rate_limited`)",
          ),
          headers: {
            'Retry-After': {
              description: 'Seconds until the next one-minute window opens',
              schema: { type: 'integer', minimum: 1, maximum: 60 },
            },
          },
        },
      },
    },
  };
}
