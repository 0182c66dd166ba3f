/**
 * The routing Lambda's two reads (GetItem, BatchGetItem) as signed POSTs of DynamoDB's JSON protocol,
 * without the SDK client: Connect waits on every call and a cold start, and loading the DynamoDB client
 * costs several times this Lambda's whole import (bench/routing.ts: routeCall.sdkImportMs). Signed by
 * @smithy/signature-v4 (the SDK's own signer), sent over a keep-alive agent with a socket timeout, under the
 * caller's abort signal (its deadline). No retries: a failed read is served from the warm cache or answered
 * with the fallback decision (./routing-call-reader.ts), and the next call tries again.
 * Everything else in the project uses the document client (./client.ts).
 */
import { type BinaryLike, createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';

export type ItemKey = Record<string, string>;
export type PlainItem = Record<string, unknown>;
export type BatchGetRequest = Record<string, { Keys: ItemKey[] }>;

export interface BatchGetResult {
  readonly responses: Record<string, PlainItem[]>;
  /** Keys DynamoDB did not get to; empty when all were read. */
  readonly unprocessed: BatchGetRequest;
}

export interface ItemReads {
  get(table: string, key: ItemKey, signal: AbortSignal): Promise<PlainItem | undefined>;
  batchGet(request: BatchGetRequest, signal: AbortSignal): Promise<BatchGetResult>;
}

/** An error DynamoDB answered (name from its `__type`, e.g. ThrottlingException) or a transport failure. */
export class ReadError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignedItemReadsOptions {
  readonly region: string;
  /** Full URL, e.g. http://127.0.0.1:8000 locally. */
  readonly endpoint: string;
  /** Read on every request: Lambda's role credentials come from the environment. */
  readonly credentials: () => Credentials;
  /** An idle or silent socket is destroyed after this long. @default 1000 */
  readonly socketTimeoutMs?: number;
}

type AttributeMap = Record<string, unknown>;

/** SignatureV4's sha256 on node:crypto (what @smithy/hash-node does, without one more package). */
class Sha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: BinaryLike | ArrayBuffer) {
    this.hash = this.create();
  }

  update(data: BinaryLike): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = this.secret instanceof ArrayBuffer ? new Uint8Array(this.secret) : this.secret;
    return createHmac('sha256', key);
  }
}

/** The regional endpoint, honouring the SDK's own environment overrides (local engine, FIPS, China). */
export function dynamoEndpoint(region: string, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL;
  if (configured) return configured;
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  const host = env.AWS_USE_FIPS_ENDPOINT === 'true' ? 'dynamodb-fips' : 'dynamodb';
  return `https://${host}.${region}.${suffix}`;
}

/** Lambda puts the execution role's credentials in the environment; nothing else is looked up here. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new ReadError('CredentialsError', 'no AWS credentials in env');
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}

const keyAttributes = (key: ItemKey): AttributeMap =>
  Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: value }]));

/** The key back from DynamoDB's wire shape (routing keys are strings). */
const plainKey = (key: AttributeMap): ItemKey => unmarshall(key as never) as ItemKey;

export function signedItemReads(options: SignedItemReadsOptions): ItemReads {
  const url = new URL(options.endpoint);
  const secure = url.protocol === 'https:';
  const transport = secure ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 64 });
  const socketTimeoutMs = options.socketTimeoutMs ?? 1_000;
  const signer = new SignatureV4({
    service: 'dynamodb',
    region: options.region,
    credentials: async () => options.credentials(),
    sha256: Sha256 as never,
  });
  const path = url.pathname || '/';

  async function call<T>(operation: string, input: unknown, signal: AbortSignal): Promise<T> {
    const body = JSON.stringify(input);
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path,
      query: {},
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    signal.throwIfAborted();
    return new Promise<T>((resolve, reject) => {
      const request = transport.request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port || undefined,
          path,
          method: 'POST',
          headers: signed.headers,
          agent,
          signal,
          timeout: socketTimeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => reject(new ReadError('NetworkError', error.message)));
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown>;
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch {
              return reject(
                new ReadError('MalformedResponse', `status ${status}: ${text.slice(0, 200)}`, status),
              );
            }
            if (status >= 200 && status < 300) return resolve(parsed as T);
            const type = String(parsed.__type ?? 'UnknownError');
            const message = String(parsed.message ?? parsed.Message ?? `status ${status}`);
            reject(new ReadError(type.slice(type.lastIndexOf('#') + 1), message, status));
          });
        },
      );
      request.on('timeout', () => request.destroy(new ReadError('TimeoutError', 'socket timeout')));
      request.on('error', (error) => {
        if (signal.aborted) return reject(signal.reason ?? error);
        reject(error instanceof ReadError ? error : new ReadError('NetworkError', error.message));
      });
      request.end(body);
    });
  }

  return {
    async get(table, key, signal) {
      const out = await call<{ Item?: AttributeMap }>(
        'GetItem',
        { TableName: table, Key: keyAttributes(key) },
        signal,
      );
      return out.Item ? unmarshall(out.Item as never) : undefined;
    },
    async batchGet(request, signal) {
      const requestItems = Object.fromEntries(
        Object.entries(request).map(([table, { Keys }]) => [table, { Keys: Keys.map(keyAttributes) }]),
      );
      const out = await call<{
        Responses?: Record<string, AttributeMap[]>;
        UnprocessedKeys?: Record<string, { Keys: AttributeMap[] }>;
      }>('BatchGetItem', { RequestItems: requestItems }, signal);
      const responses: Record<string, PlainItem[]> = {};
      for (const [table, items] of Object.entries(out.Responses ?? {}))
        responses[table] = items.map((item) => unmarshall(item as never));
      const unprocessed: BatchGetRequest = {};
      for (const [table, { Keys }] of Object.entries(out.UnprocessedKeys ?? {}))
        if (Keys.length > 0) unprocessed[table] = { Keys: Keys.map(plainKey) };
      return { responses, unprocessed };
    },
  };
}

/**
 * The reads as configured by the environment: region, endpoint and credentials are read on first use,
 * so a test or the local runtime that sets them after import is honoured.
 */
export function itemReadsFromEnv(env: NodeJS.ProcessEnv = process.env): ItemReads {
  let reads: ItemReads | undefined;
  const load = () => {
    if (reads) return reads;
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new ReadError('ConfigError', 'AWS_REGION is not set');
    reads = signedItemReads({
      region,
      endpoint: dynamoEndpoint(region, env),
      credentials: () => credentialsFromEnv(env),
    });
    return reads;
  };
  return {
    get: (table, key, signal) => load().get(table, key, signal),
    batchGet: (request, signal) => load().batchGet(request, signal),
  };
}
