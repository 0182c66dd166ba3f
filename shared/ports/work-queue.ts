/**
 * A queue of work for a worker Lambda (SQS in AWS, with a redrive policy to an alarmed dead-letter queue;
 * in-process in the local runtime). Messages are small JSON objects; the worker reads the state they point
 * at, so a duplicate or a late message is harmless. `delaySeconds` (0–900, SQS's range) is how a worker
 * backs off: it sends the message again, delayed, instead of failing it.
 */
import * as z from 'zod/mini';
import { invalid } from '../domain/errors.js';

export interface SendOptions {
  /** Seconds before the message is delivered; clamped to SQS's 0–900. */
  readonly delaySeconds?: number;
}

export interface WorkQueue<M> {
  send(message: M, options?: SendOptions): Promise<void>;
}

/**
 * The metrics every queue worker writes (shared/runtime/queue-worker.ts), named after the worker: one
 * `<name>Outcome` per message handled, with the use case's outcome as dimension `outcome`, and one
 * `<name>Failures` per message failed (redelivered, then dead-lettered). What dashboards read, so both sides
 * name them alike.
 */
export function workerMetrics(name: string) {
  return { outcome: `${name}Outcome`, outcomeDimension: 'outcome', failures: `${name}Failures` } as const;
}

/** SQS's longest message delay. */
export const MAX_DELAY_SECONDS = 900;

/**
 * The largest message body we send, in UTF-8 bytes: 256 KiB. SQS takes up to 1 MiB since 2025 (the installed
 * client's model), but a queue whose MaximumMessageSize was set earlier may still stop at 256 KiB; our
 * messages are a few hundred bytes, so the lower bound costs nothing and holds on any queue.
 */
export const MAX_MESSAGE_BYTES = 262_144;

export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
  constructor(readonly bytes: number) {
    super(`work queue message of ${bytes} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  }
}

/**
 * A message as the body SQS accepts: JSON, with U+FFFE and U+FFFF (outside SQS's allowed characters, and left
 * raw by JSON.stringify, which already escapes control characters and lone surrogates) written as JSON
 * escapes, so the worker parses back exactly what was sent. Throws MessageTooLargeError past the size bound.
 */
export function messageBody(message: unknown): string {
  const body = JSON.stringify(message).replace(
    /[\uFFFE\uFFFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(bytes);
  return body;
}

/**
 * Delay before try `tries` (1, 2, …): base·2^(tries−1) seconds, capped at SQS's 15 minutes. Deterministic
 * (no jitter): the messages it spaces out are one per activation or number, not a crowd.
 */
export function backoffSeconds(tries: number, baseSeconds: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.round(baseSeconds * 2 ** Math.max(0, tries - 1)));
}

/**
 * A message body checked against its schema. Anything else (not JSON, another shape) is an
 * `invalid_message`: the worker fails it, and after its receives it lands in the dead-letter queue.
 */
export function parseQueueMessage<T>(schema: z.ZodMiniType<T>, body: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw invalid('invalid_message', `not ${what}: not JSON`, 'body');
  }
  return checkQueueMessage(schema, json, what);
}

/**
 * A message checked against its schema, as a sender checks it before sending or a worker on receipt: one
 * that fails is an `invalid_message` naming the first field at fault and why (never its value).
 */
export function checkQueueMessage<T>(schema: z.ZodMiniType<T>, message: unknown, what: string): T {
  const parsed = z.safeParse(schema, message);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  throw invalid('invalid_message', `not ${what}${field ? `: ${field}: ${issue?.message}` : ''}`, 'body');
}
