/**
 * The rate limiter on the ops table: one item per (holder, class, minute), pk `RATE#<holder>#<class>`,
 * sk `<yyyy-mm-ddThh:mm>`, counted by a single conditional UpdateItem (ADD, refused once the budget is
 * used), which DynamoDB applies atomically however many requests race: a burst can never be admitted
 * past the budget. A full window costs one failed write per refused request; nothing is read.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { rateWindowExpiry, rateWindowOf, rateWindowPartition } from '../../domain/rate-limits.js';
import { type RateCheck, type RateLimiter, RateLimiterUnavailable } from '../../ports/rate-limiter.js';
import { TTL_ATTRIBUTE } from '../../table-env.js';
import { dynamo, isConditionFailure } from './client.js';

/**
 * How long the counter may take before the HTTP layer applies the class's fallback (domain/rate-limits.ts:
 * reads admitted, writes and expensive routes refused). Long enough for DynamoDB's p99 under a burst
 * on one window item; short enough that a stuck table never holds an API request for long.
 */
export const RATE_LIMIT_TIMEOUT_MS = 500;

export interface DynamoRateLimiterOptions {
  /** @default RATE_LIMIT_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

export function rateWindowUpdate(tableName: string, check: RateCheck) {
  const window = rateWindowOf(check.now);
  return {
    TableName: tableName,
    Key: { pk: rateWindowPartition(check.holder, check.limitClass), sk: window.key },
    UpdateExpression: 'SET #type = :type, #expires = :expires ADD #n :one',
    ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
    ExpressionAttributeNames: { '#type': 'type', '#expires': TTL_ATTRIBUTE, '#n': 'n' },
    ExpressionAttributeValues: {
      ':type': 'rate-window',
      ':expires': rateWindowExpiry(window),
      ':one': 1,
      ':limit': check.limit,
    },
    ReturnValues: 'NONE' as const,
  };
}

export function createDynamoRateLimiter(options: DynamoRateLimiterOptions = {}): RateLimiter {
  const timeoutMs = options.timeoutMs ?? RATE_LIMIT_TIMEOUT_MS;
  return {
    async admit(check) {
      const table = tableName('ops');
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      timer.unref?.();
      try {
        await dynamo().send(new UpdateCommand(rateWindowUpdate(table, check)), {
          abortSignal: abort.signal,
        });
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        const why = abort.signal.aborted ? `no answer within ${timeoutMs} ms` : 'DynamoDB failed';
        throw new RateLimiterUnavailable(`rate limiter: ${why}`, { cause: error });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
