/**
 * route-call's signed reads (shared/adapters/dynamo/routing-call-reads.ts) against a scripted HTTP server:
 * the request DynamoDB expects, signed as @smithy/signature-v4 signs it; the answer unmarshalled; errors
 * surfaced by their type, once (no retries); the socket timeout and the caller's deadline.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it } from 'vitest';
import {
  credentialsFromEnv,
  dynamoEndpoint,
  type ItemReads,
  ReadError,
  signedItemReads,
} from '../../shared/adapters/dynamo/routing-call-reads.js';

/** An independent sha256 for the verifying signer (not the module's own). */
class VerifierSha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

const CREDENTIALS = { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'tok' };
const signal = () => new AbortController().signal;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

interface Seen {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

async function serve(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
  socketTimeoutMs?: number,
): Promise<{ reads: ItemReads; seen: Seen[]; port: number }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const reads = signedItemReads({
    region: 'ap-southeast-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: () => CREDENTIALS,
    socketTimeoutMs,
  });
  return { reads, seen, port };
}

const reply = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
};

describe('signed reads', () => {
  it('sends a GetItem DynamoDB accepts: awsJson1_0, signed for dynamodb, and unmarshals the item', async () => {
    const { reads, seen, port } = await serve((_req, _body, res) =>
      reply(res, 200, { Item: { pk: { S: 'NUM#1' }, balance: { N: '1200' }, tags: { L: [{ S: 'a' }] } } }),
    );
    const item = await reads.get('routing', { pk: 'NUM#1', sk: 'X' }, signal());
    expect(item).toEqual({ pk: 'NUM#1', balance: 1200, tags: ['a'] });
    const request = seen[0] as Seen;
    expect(request.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request.headers['x-amz-security-token']).toBe('tok');
    expect(JSON.parse(request.body)).toEqual({
      TableName: 'routing',
      Key: { pk: { S: 'NUM#1' }, sk: { S: 'X' } },
    });

    // The signature is the one an independent SignatureV4 computes for the same request and instant.
    const amzDate = String(request.headers['x-amz-date']);
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const verifier = new SignatureV4({
      service: 'dynamodb',
      region: 'ap-southeast-1',
      credentials: CREDENTIALS,
      sha256: VerifierSha256 as never,
    });
    const expected = await verifier.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port,
        path: '/',
        query: {},
        headers: {
          host: `127.0.0.1:${port}`,
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.GetItem',
          'content-length': String(Buffer.byteLength(request.body)),
        },
        body: request.body,
      },
      { signingDate },
    );
    expect(request.headers.authorization).toBe(expected.headers.authorization);
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/ap-southeast-1\/dynamodb\/aws4_request, /,
    );
  });

  it('answers no item as undefined, and keeps a batch’s unprocessed keys', async () => {
    let calls = 0;
    const { reads } = await serve((_req, _body, res) => {
      calls++;
      if (calls === 1) return reply(res, 200, {});
      reply(res, 200, {
        Responses: { routing: [{ pk: { S: 'a' } }] },
        UnprocessedKeys: { ledger: { Keys: [{ pk: { S: 'b' }, sk: { S: 'c' } }] } },
      });
    });
    expect(await reads.get('routing', { pk: 'x', sk: 'y' }, signal())).toBeUndefined();
    const out = await reads.batchGet(
      { routing: { Keys: [{ pk: 'a', sk: 's' }] }, ledger: { Keys: [{ pk: 'b', sk: 'c' }] } },
      signal(),
    );
    expect(out.responses.routing).toEqual([{ pk: 'a' }]);
    expect(out.unprocessed).toEqual({ ledger: { Keys: [{ pk: 'b', sk: 'c' }] } });
  });

  it('surfaces an error by its DynamoDB type and status, without retrying', async () => {
    const { reads, seen } = await serve((_req, _body, res) =>
      reply(res, 400, {
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: 'slow down',
      }),
    );
    const error = await reads.get('routing', { pk: 'a', sk: 'b' }, signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadError);
    expect(error).toMatchObject({ name: 'ProvisionedThroughputExceededException', statusCode: 400 });
    expect(seen).toHaveLength(1);
  });

  it('gives up at the caller’s deadline while the server hangs', async () => {
    const { reads } = await serve(() => undefined);
    const deadline = AbortSignal.timeout(50);
    const started = performance.now();
    await expect(reads.get('routing', { pk: 'a', sk: 'b' }, deadline)).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('destroys a silent socket after the socket timeout, even with no deadline', async () => {
    const { reads } = await serve(() => undefined, 50);
    await expect(reads.get('routing', { pk: 'a', sk: 'b' }, signal())).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });
});

describe('endpoint and credentials from the environment', () => {
  it('follows the SDK variables, FIPS and the China partition', () => {
    expect(dynamoEndpoint('ap-southeast-1', {})).toBe('https://dynamodb.ap-southeast-1.amazonaws.com');
    expect(dynamoEndpoint('cn-north-1', {})).toBe('https://dynamodb.cn-north-1.amazonaws.com.cn');
    expect(dynamoEndpoint('us-east-1', { AWS_USE_FIPS_ENDPOINT: 'true' })).toBe(
      'https://dynamodb-fips.us-east-1.amazonaws.com',
    );
    expect(dynamoEndpoint('x', { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1' })).toBe(
      'http://127.0.0.1:1',
    );
    expect(() => credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a' })).toThrow(/credentials/);
    expect(
      credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_SESSION_TOKEN: '' }),
    ).toEqual({ accessKeyId: 'a', secretAccessKey: 'b', sessionToken: undefined });
  });
});
