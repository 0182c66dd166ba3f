/**
 * DynamoDB's JSON protocol (awsJson1_0) spoken directly: one signed POST per operation over a keep-alive
 * connection, retrying throttling, 5xx and dropped connections with jittered backoff until the caller's
 * abort signal fires. Issue 12 retires it: route-call reads through ./routing-call-reads.ts
 * (@smithy/signature-v4) and everything else through the SDK's document client. Its last user is the
 * ingest path's ./wire.ts; delete this file, ../aws/sigv4.ts and test/unit/dynamo-json-rpc.test.ts with it.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { type AwsCredentials, SigV4Signer } from '../aws/sigv4.js';

export interface DynamoRpcOptions {
  readonly region: string;
  /** Full URL, e.g. http://127.0.0.1:8000 locally; defaults to the regional endpoint. */
  readonly endpoint?: string;
  readonly credentials: () => AwsCredentials;
  /** Attempts per operation, including the first. @default 3 */
  readonly maxAttempts?: number;
}

/** An error DynamoDB returned (name from its `__type`) or a transport failure (name `NetworkError`). */
export class DynamoRpcError extends Error {
  /** A cancelled transaction's per-action reasons, in the SDK's shape (callers inspect them alike). */
  readonly CancellationReasons?: readonly { Code?: string; Message?: string }[];

  constructor(
    override readonly name: string,
    message: string,
    readonly statusCode: number | undefined,
    body: Record<string, unknown> = {},
  ) {
    super(message);
    if (Array.isArray(body.CancellationReasons))
      this.CancellationReasons = body.CancellationReasons as DynamoRpcError['CancellationReasons'];
  }

  get retryable(): boolean {
    return (
      this.statusCode === undefined ||
      this.statusCode >= 500 ||
      RETRYABLE_TYPES.has(this.name) ||
      this.name === 'NetworkError'
    );
  }
}

const RETRYABLE_TYPES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

/** The regional endpoint, honouring the SDK's own environment overrides (FIPS, China partition). */
export function dynamoEndpoint(region: string, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL;
  if (configured) return configured;
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  const host = env.AWS_USE_FIPS_ENDPOINT === 'true' ? 'dynamodb-fips' : 'dynamodb';
  return `https://${host}.${region}.${suffix}`;
}

/** Lambda puts the execution role's credentials in the environment; nothing else is looked up here. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsCredentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

export class DynamoRpc {
  private readonly url: URL;
  private readonly signer: SigV4Signer;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly maxAttempts: number;
  /** Requests sent, retries included (benchmarks and tests count them). */
  requestCount = 0;

  constructor(private readonly options: DynamoRpcOptions) {
    this.url = new URL(options.endpoint ?? dynamoEndpoint(options.region));
    this.signer = new SigV4Signer(options.region, 'dynamodb');
    const secure = this.url.protocol === 'https:';
    this.transport = secure ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 64 });
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  /** Runs one operation (e.g. "GetItem") with its SDK-shaped input; the parsed JSON answer. */
  async call<T>(operation: string, input: unknown, signal?: AbortSignal): Promise<T> {
    // As the SDK does (the idempotency-token trait): one token for every attempt of a transaction, so a
    // retry after a lost answer is recognised by DynamoDB instead of being applied (or refused) again.
    if (operation === 'TransactWriteItems' && isRecord(input) && input.ClientRequestToken === undefined)
      input = { ...input, ClientRequestToken: randomUUID() };
    return this.callJson<T>(operation, JSON.stringify(input), signal);
  }

  /** `call` with the input already written as JSON text (see ./json-text.ts). */
  async callJson<T>(operation: string, json: string, signal?: AbortSignal): Promise<T> {
    // Encoded to UTF-8 once: the signature's hash, the length and the socket write then share the bytes
    // (each of the three used to encode the string again).
    const body = Buffer.from(json, 'utf8');
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.send(operation, body, signal)) as T;
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        if (!(error instanceof DynamoRpcError) || !error.retryable || attempt >= this.maxAttempts)
          throw error;
        await sleep(Math.random() * 25 * 2 ** attempt, signal);
      }
    }
  }

  destroy(): void {
    this.agent.destroy();
  }

  private send(operation: string, body: Buffer, signal?: AbortSignal): Promise<unknown> {
    const headers = this.signer.sign(
      {
        host: this.url.host,
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
        },
        body,
      },
      this.options.credentials(),
    );
    headers['content-length'] = String(body.length);
    this.requestCount++;
    return new Promise((resolve, reject) => {
      const request = this.transport.request(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port || undefined,
          path: '/',
          method: 'POST',
          headers,
          agent: this.agent,
          signal,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) =>
            reject(new DynamoRpcError('NetworkError', error.message, undefined)),
          );
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const raw = Buffer.concat(chunks);
            // DynamoDB signs its answers with a CRC32 (the SDK checks it too); a mismatch is retried.
            const crc = response.headers['x-amz-crc32'];
            if (typeof crc === 'string' && zlib.crc32(raw) !== Number(crc))
              return reject(new DynamoRpcError('NetworkError', 'response CRC32 mismatch', undefined));
            const text = raw.toString('utf8');
            let parsed: Record<string, unknown> = {};
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch {
              return reject(
                new DynamoRpcError('MalformedResponse', `status ${status}: ${text.slice(0, 200)}`, status),
              );
            }
            if (status >= 200 && status < 300) return resolve(parsed);
            const type = String(parsed.__type ?? 'UnknownError');
            const message = String(parsed.message ?? parsed.Message ?? `status ${status}`);
            reject(new DynamoRpcError(type.slice(type.lastIndexOf('#') + 1), message, status, parsed));
          });
        },
      );
      request.on('error', (error) => {
        if (signal?.aborted) return reject(signal.reason ?? error);
        reject(new DynamoRpcError('NetworkError', error.message, undefined));
      });
      request.end(body);
    });
  }
}
