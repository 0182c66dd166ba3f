/**
 * A queue of work for a worker Lambda (SQS in AWS, with a redrive policy to an alarmed dead-letter queue;
 * in-process in the local runtime). Messages are small JSON objects; the worker reads the state they point
 * at, so a duplicate or a late message is harmless. `delaySeconds` (0–900, SQS's range) is how a worker
 * backs off: it sends the message again, delayed, instead of failing it.
 */
export interface SendOptions {
  /** Seconds before the message is delivered; clamped to SQS's 0–900. */
  readonly delaySeconds?: number;
}

export interface WorkQueue<M> {
  send(message: M, options?: SendOptions): Promise<void>;
}

/** SQS's longest message delay. */
export const MAX_DELAY_SECONDS = 900;

/**
 * Delay before try `tries` (1, 2, …): base·2^(tries−1) seconds, capped at SQS's 15 minutes. Deterministic
 * (no jitter): the messages it spaces out are one per activation or number, not a crowd.
 */
export function backoffSeconds(tries: number, baseSeconds: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.round(baseSeconds * 2 ** Math.max(0, tries - 1)));
}
