/**
 * A DynamoDB fault proxy for tests: an HTTP server between the real client (the SDK's, or route-call's
 * reader) and the embedded engine, so faults are met on the path production runs — the client's own
 * retries, timeouts and idempotency tokens — rather than by a client a test swapped in.
 *
 *   const proxy = await startFaultProxy(db.endpoint);
 *   const restore = routeDynamoThrough(proxy);          // dynamo() now sends through the proxy
 *   proxy.plan('TransactWriteItems', 'throttle', 'lose-response');   // the next two transactions
 *   proxy.rule((r) => (random() < 0.3 ? 'throttle' : undefined));    // a storm, on every other request
 *   ...
 *   restore(); await proxy.close();
 *
 * Requests are matched by their operation (the X-Amz-Target header, e.g. TransactWriteItems). Each request
 * takes the next planned fault of its operation (then of '*'), else the rule's answer, else passes.
 * Every request is logged in `seen` with its parsed body and the fault it met.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setDynamo } from '../../shared/adapters/dynamo/client.js';

export type Fault =
  /** Forwarded untouched. */
  | 'pass'
  /** 400 ProvisionedThroughputExceededException (a throttle the SDK retries). Nothing reaches the engine. */
  | 'throttle'
  /**
   * A transaction conflict: TransactWriteItems/TransactGetItems answer 400 TransactionCanceledException
   * with a TransactionConflict reason per action; other operations 400 TransactionConflictException.
   */
  | 'conflict'
  /** 500 InternalServerError or 503 ServiceUnavailable. Nothing reaches the engine. */
  | 500
  | 503
  /** The socket is destroyed before forwarding (connection reset): nothing reaches the engine. */
  | 'reset'
  /**
   * Forwarded, then the socket destroyed instead of answering: the engine applied the request and the
   * client never hears so (a crash or network loss between the write and its answer).
   */
  | 'lose-response'
  /**
   * Held this long, then forwarded (whether or not the client is still waiting: a request that outlived
   * its client's timeout may still be applied, as in AWS), then answered if the socket is still open.
   */
  | { readonly delayMs: number };

export interface SeenRequest {
  /** The operation named by X-Amz-Target (e.g. 'TransactWriteItems'). */
  readonly operation: string;
  /** The request's JSON body, parsed (DynamoDB JSON: attribute values as { S: … }). */
  readonly body: Record<string, unknown>;
  readonly fault: Fault;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port>: give it to the client as its DynamoDB endpoint. */
  readonly endpoint: string;
  /** Faults for the next requests of `operation` ('*': of any operation), one per request, in order. */
  plan(operation: string, ...faults: Fault[]): void;
  /** Decides the fault of each request that no plan covers (undefined: pass); `undefined` removes it. */
  rule(decide: ((request: Omit<SeenRequest, 'fault'>) => Fault | undefined) | undefined): void;
  /** Every request since start or the last `clear`, in arrival order. */
  readonly seen: readonly SeenRequest[];
  /** Forgets plans, the rule and the log. */
  clear(): void;
  close(): Promise<void>;
}

const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

function errorReply(
  fault: 'throttle' | 'conflict' | 500 | 503,
  operation: string,
  body: Record<string, unknown>,
) {
  if (fault === 'throttle')
    return {
      status: 400,
      body: {
        __type: `${ERROR_PREFIX}ProvisionedThroughputExceededException`,
        message: 'The level of configured provisioned throughput for the table was exceeded (injected).',
      },
    };
  if (fault === 500)
    return {
      status: 500,
      body: { __type: `${ERROR_PREFIX}InternalServerError`, message: 'Internal server error (injected)' },
    };
  if (fault === 503)
    return {
      status: 503,
      body: { __type: `${ERROR_PREFIX}ServiceUnavailable`, message: 'Service unavailable (injected)' },
    };
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const actions = Array.isArray(body.TransactItems) ? body.TransactItems.length : 1;
    return {
      status: 400,
      body: {
        __type: `${ERROR_PREFIX}TransactionCanceledException`,
        Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${Array(actions).fill('TransactionConflict').join(', ')}]`,
        CancellationReasons: Array.from({ length: actions }, () => ({
          Code: 'TransactionConflict',
          Message: 'Transaction is ongoing for the item (injected)',
        })),
      },
    };
  }
  return {
    status: 400,
    body: {
      __type: `${ERROR_PREFIX}TransactionConflictException`,
      message: 'Transaction is ongoing for the item (injected)',
    },
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Forwards one request to the engine; resolves with its whole answer. */
function forward(
  target: URL,
  request: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: target.host, 'content-length': String(body.length) },
      },
      (answer) => {
        readBody(answer).then(
          (data) => resolve({ status: answer.statusCode ?? 500, headers: answer.headers, body: data }),
          reject,
        );
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

/** Starts a proxy in front of `target` (the engine's endpoint, e.g. TestDatabase.endpoint). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const engine = new URL(target);
  const plans = new Map<string, Fault[]>();
  let decide: ((request: Omit<SeenRequest, 'fault'>) => Fault | undefined) | undefined;
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();

  const faultFor = (request: Omit<SeenRequest, 'fault'>): Fault =>
    plans.get(request.operation)?.shift() ?? plans.get('*')?.shift() ?? decide?.(request) ?? 'pass';

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    let body: Record<string, unknown> = {};
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      // Not JSON: forwarded as it is, the engine answers.
    }
    const fault = faultFor({ operation, body });
    seen.push({ operation, body, fault });
    if (fault === 'reset') {
      request.socket.destroy();
      return;
    }
    if (fault === 'throttle' || fault === 'conflict' || fault === 500 || fault === 503) {
      const reply = errorReply(fault, operation, body);
      response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(reply.body));
      return;
    }
    if (typeof fault === 'object') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    const answer = await forward(engine, request, raw);
    if (fault === 'lose-response' || request.socket.destroyed) {
      request.socket.destroy();
      return;
    }
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // As the engine does: idle keep-alive sockets stay open, so a client never reuses one being closed.
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    plan(operation, ...faults) {
      plans.set(operation, [...(plans.get(operation) ?? []), ...faults]);
    },
    rule(next) {
      decide = next;
    },
    seen,
    clear() {
      plans.clear();
      decide = undefined;
      seen.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Points the process's document client (`dynamo()`) at the proxy: AWS_ENDPOINT_URL_DYNAMODB, and a fresh
 * client built from it. The returned function points it back at the previous endpoint.
 */
export function routeDynamoThrough(proxy: Pick<FaultProxy, 'endpoint'>): () => void {
  const previous = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.endpoint;
  setDynamo(undefined);
  return () => {
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    else process.env.AWS_ENDPOINT_URL_DYNAMODB = previous;
    setDynamo(undefined);
  };
}
