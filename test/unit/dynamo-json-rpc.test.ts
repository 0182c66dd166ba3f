import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { amzDate, SigV4Signer } from '../../shared/adapters/aws/sigv4.js';
import {
  credentialsFromEnv,
  DynamoRpc,
  DynamoRpcError,
  dynamoEndpoint,
} from '../../shared/adapters/dynamo/json-rpc.js';

/** The SDK signer's hash interface over node:crypto (what @aws-crypto would give it). */
class NodeSha256 {
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

const token = fc.stringMatching(/^[A-Za-z0-9/+=]{1,60}$/);

describe('SigV4Signer', () => {
  it('signs exactly as the SDK signer for any body, credentials, region and instant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 400 }),
        fc.stringMatching(/^[A-Z0-9]{16,20}$/),
        token,
        fc.option(token, { nil: undefined }),
        fc.constantFrom('ap-southeast-1', 'cn-north-1', 'us-east-1', 'local'),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }),
        fc.constantFrom('GetItem', 'BatchGetItem'),
        async (body, accessKeyId, secretAccessKey, sessionToken, region, at, operation) => {
          const credentials = { accessKeyId, secretAccessKey, sessionToken };
          const headers = {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': `DynamoDB_20120810.${operation}`,
          };
          const ours = new SigV4Signer(region, 'dynamodb').sign(
            { host: `dynamodb.${region}.amazonaws.com`, path: '/', headers, body },
            credentials,
            at,
          );
          const sdk = await new SignatureV4({
            service: 'dynamodb',
            region,
            credentials,
            sha256: NodeSha256 as never,
            applyChecksum: false,
          }).sign(
            {
              method: 'POST',
              protocol: 'https:',
              hostname: `dynamodb.${region}.amazonaws.com`,
              path: '/',
              query: {},
              headers: { ...headers, host: `dynamodb.${region}.amazonaws.com` },
              body,
            },
            { signingDate: at },
          );
          expect(ours.authorization).toBe(sdk.headers.authorization);
          const asBytes = new SigV4Signer(region, 'dynamodb').sign(
            { host: `dynamodb.${region}.amazonaws.com`, path: '/', headers, body: Buffer.from(body, 'utf8') },
            credentials,
            at,
          );
          expect(asBytes.authorization).toBe(ours.authorization);
          expect(ours['x-amz-date']).toBe(amzDate(at));
          expect(ours['x-amz-security-token']).toBe(sessionToken);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reuses the derived key within a day and derives a new one for the next day', () => {
    const signer = new SigV4Signer('ap-southeast-1', 'dynamodb');
    const request = { host: 'h', path: '/', headers: {}, body: '{}' };
    const credentials = { accessKeyId: 'AKID', secretAccessKey: 'secret' };
    const a = signer.sign(request, credentials, new Date('2026-11-25T01:00:00Z')).authorization;
    const b = signer.sign(request, credentials, new Date('2026-11-26T01:00:00Z')).authorization;
    const again = signer.sign(request, credentials, new Date('2026-11-25T01:00:00Z')).authorization;
    expect(a).toContain('20261125/ap-southeast-1/dynamodb/aws4_request');
    expect(b).toContain('20261126/ap-southeast-1/dynamodb/aws4_request');
    expect(again).toBe(a);
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
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a' })).toBeUndefined();
    expect(
      credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_SESSION_TOKEN: '' }),
    ).toEqual({
      accessKeyId: 'a',
      secretAccessKey: 'b',
      sessionToken: undefined,
    });
  });
});

describe('DynamoRpc against a scripted HTTP server', () => {
  let server: Server | undefined;
  let rpc: DynamoRpc | undefined;
  afterEach(async () => {
    rpc?.destroy();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  async function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => handler(req, body, res));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    rpc = new DynamoRpc({
      region: 'local',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'tok' }),
    });
    return rpc;
  }

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(body));
  };

  it('sends a signed awsJson1_0 request and unmarshals the item', async () => {
    const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
    const client = await serve((req, body, res) => {
      seen.push({ headers: req.headers, body });
      reply(res, 200, { Item: { pk: { S: 'NUM#1' }, balance: { N: '1200' }, tags: { L: [{ S: 'a' }] } } });
    });
    const out = await client.call<{ Item?: unknown }>(
      'GetItem',
      { TableName: 'routing', Key: { pk: { S: 'NUM#1' }, sk: { S: 'X' } } },
      new AbortController().signal,
    );
    expect(out.Item).toEqual({ pk: { S: 'NUM#1' }, balance: { N: '1200' }, tags: { L: [{ S: 'a' }] } });
    expect(seen[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(seen[0]?.headers['x-amz-security-token']).toBe('tok');
    expect(seen[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/local\/dynamodb\//,
    );
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      TableName: 'routing',
      Key: { pk: { S: 'NUM#1' }, sk: { S: 'X' } },
    });
  });

  it('retries throttling and 5xx, then succeeds; keeps unprocessed keys of a batch', async () => {
    let calls = 0;
    const client = await serve((_req, _body, res) => {
      calls++;
      if (calls === 1)
        return reply(res, 400, {
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'slow down',
        });
      if (calls === 2) return reply(res, 500, { __type: 'InternalServerError', message: 'oops' });
      reply(res, 200, {
        Responses: { routing: [{ pk: { S: 'a' } }] },
        UnprocessedKeys: { ledger: { Keys: [{ pk: { S: 'b' }, sk: { S: 'c' } }] } },
      });
    });
    const out = await client.call<{ Responses: unknown; UnprocessedKeys: unknown }>(
      'BatchGetItem',
      {
        RequestItems: {
          routing: { Keys: [{ pk: { S: 'a' }, sk: { S: 's' } }] },
          ledger: { Keys: [{ pk: { S: 'b' }, sk: { S: 'c' } }] },
        },
      },
      new AbortController().signal,
    );
    expect(calls).toBe(3);
    expect(client.requestCount).toBe(3);
    expect(out.Responses).toEqual({ routing: [{ pk: { S: 'a' } }] });
    expect(out.UnprocessedKeys).toEqual({ ledger: { Keys: [{ pk: { S: 'b' }, sk: { S: 'c' } }] } });
  });

  it('sends one ClientRequestToken for every attempt of a transaction, as the SDK does', async () => {
    const bodies: Record<string, unknown>[] = [];
    const client = await serve((_req, body, res) => {
      bodies.push(JSON.parse(body));
      if (bodies.length === 1) return reply(res, 500, { __type: 'InternalServerError', message: 'lost' });
      reply(res, 200, {});
    });
    await client.call('TransactWriteItems', { TransactItems: [] });
    expect(bodies).toHaveLength(2);
    expect(bodies[0]?.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodies[1]?.ClientRequestToken).toBe(bodies[0]?.ClientRequestToken);
    await client.call('TransactWriteItems', { TransactItems: [], ClientRequestToken: 'mine' });
    expect(bodies[2]?.ClientRequestToken).toBe('mine');
    await client.call('GetItem', { TableName: 't' });
    expect(bodies[3]).not.toHaveProperty('ClientRequestToken');
  });

  it('surfaces a non-retryable error by its type without retrying', async () => {
    let calls = 0;
    const client = await serve((_req, _body, res) => {
      calls++;
      reply(res, 400, {
        __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
        message: 'no table',
      });
    });
    const error = await client.call('GetItem', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DynamoRpcError);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', message: 'no table', statusCode: 400 });
    expect(calls).toBe(1);
  });

  it('gives up at the caller deadline while the server hangs', async () => {
    const client = await serve(() => {
      /* never answers */
    });
    const controller = new AbortController();
    const reason = new Error('deadline');
    setTimeout(() => controller.abort(reason), 30);
    await expect(client.call('GetItem', {}, controller.signal)).rejects.toBe(reason);
  });

  it('stops after the bounded attempts when the service keeps failing', async () => {
    let calls = 0;
    const client = await serve((_req, _body, res) => {
      calls++;
      reply(res, 503, { __type: 'ServiceUnavailable', message: 'down' });
    });
    await expect(client.call('GetItem', {})).rejects.toMatchObject({ name: 'ServiceUnavailable' });
    expect(calls).toBe(3);
  });
});
