/**
 * e2e harness: the whole local runtime in this process, on a free port, driven over HTTP.
 *   const api = await startLocalApi();
 *   const res = await api.get('/v1/numbers/available?segment=4008', await api.token('demo', ['tenant-admin']));
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCapability } from '../../infra/local/capability.js';
import { startLocalRuntime } from '../../infra/local/runtime.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { tableName } from '../../shared/config.js';
import type { Role } from '../../shared/http/roles.js';

export interface ApiResponseOf<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface LocalApi {
  readonly baseUrl: string;
  readonly dynamoEndpoint: string;
  token(tenantId: string | undefined, roles: readonly Role[]): Promise<string>;
  request<T = any>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<ApiResponseOf<T>>;
  get<T = any>(path: string, token?: string): Promise<ApiResponseOf<T>>;
  post<T = any>(
    path: string,
    body: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<ApiResponseOf<T>>;
  put<T = any>(path: string, body: unknown, token?: string): Promise<ApiResponseOf<T>>;
  /** Moves the runtime's test clock to `now` (it only moves forward). */
  setClock(now: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalApi(
  options: { seed?: boolean; capabilities?: readonly LocalCapability[]; clockAt?: string } = {},
): Promise<LocalApi> {
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'hotline400-e2e-')),
    seed: options.seed ?? true,
    capabilities: options.capabilities,
    clockAt: options.clockAt,
  });
  const request: LocalApi['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${runtime.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (for example a CSV download): keep the text
    }
    return { status: response.status, body: parsed as never, headers: response.headers };
  };
  return {
    baseUrl: runtime.url,
    dynamoEndpoint: runtime.dynamoEndpoint,
    token: (tenantId, roles) => runtime.tokens.issue({ tenantId, roles }),
    request,
    get: (path, token) => request('GET', path, { token }),
    post: (path, body, token, headers) => request('POST', path, { token, body, headers }),
    put: (path, body, token) => request('PUT', path, { token, body }),
    async setClock(now) {
      const res = await request('PUT', '/local/clock', { body: { now } });
      if (res.status !== 200) throw new Error(`clock refused ${now}: ${JSON.stringify(res.body)}`);
    },
    stop: () => runtime.stop(),
  };
}

/**
 * Pays money in as a tenant would over HTTP: a payment order, then the local provider's genuinely signed
 * notification (`POST /local/payments/{orderId}/pay`). Answers the order id.
 */
export async function payIn(
  api: LocalApi,
  token: string,
  amount: number,
  idempotencyKey: string,
  channel: 'alipay' | 'wechat_pay' = 'alipay',
): Promise<string> {
  const order = await api.request('POST', '/v1/payments', {
    token,
    body: { amount, channel },
    headers: { 'idempotency-key': idempotencyKey },
  });
  if (order.status !== 201) throw new Error(`payment order refused: ${JSON.stringify(order.body)}`);
  const paid = await api.post(`/local/payments/${order.body.orderId}/pay`, {});
  if (paid.status !== 200) throw new Error(`payment failed: ${JSON.stringify(paid.body)}`);
  return order.body.orderId as string;
}

/**
 * Registers a qualification document as a tenant would and sends the file to the upload form it answers
 * (locally a PUT to the local documents endpoint). Answers the registration's response.
 */
export async function uploadDocument(
  api: LocalApi,
  token: string,
  applicationId: string,
  kind: string,
  expiresOn?: string,
): Promise<ApiResponseOf> {
  const res = await api.post(
    `/v1/applications/${applicationId}/documents`,
    { kind, contentType: 'application/pdf', ...(expiresOn ? { expiresOn } : {}) },
    token,
  );
  if (res.status !== 201) throw new Error(`document refused: ${res.status} ${JSON.stringify(res.body)}`);
  const url: string = res.body.upload.url;
  const put = await fetch(url.startsWith('http') ? url : `${api.baseUrl}${url}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/pdf' },
    body: Buffer.from(`%PDF-1.7 ${kind}`),
  });
  if (put.status !== 200) throw new Error(`upload refused: ${put.status}`);
  return res;
}

/** A held number's application by an individual, as the e2e journeys file it. */
export const individualApplication = (number: string, planId: string, applicantName: string) => ({
  number,
  applicantType: 'individual',
  applicantName,
  industry: 'education',
  intendedUsage: 'Course enquiries',
  expectedMonthlyMinutes: 300,
  planId,
});

/** An individual's application completed (ID card, income proof) and sent to review. */
export async function submitWithDocuments(
  api: LocalApi,
  token: string,
  applicationId: string,
): Promise<void> {
  await uploadDocument(api, token, applicationId, 'id_card');
  await uploadDocument(api, token, applicationId, 'income_proof');
  const submitted = await api.post(`/v1/applications/${applicationId}/submission`, undefined, token);
  if (submitted.status !== 200) throw new Error(`submission refused: ${JSON.stringify(submitted.body)}`);
}

/** The one contract of a number, read from the numbers table as billing reads it. */
export async function contractOf(number: string): Promise<Record<string, any>> {
  const { Items } = await dynamo().send(
    new QueryCommand({
      TableName: tableName('numbers'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':pk': `NUM#${number}`, ':c': 'CONTRACT#' },
    }),
  );
  if (Items?.length !== 1) throw new Error(`${number} has ${Items?.length ?? 0} contracts, expected 1`);
  return Items[0] as Record<string, any>;
}
