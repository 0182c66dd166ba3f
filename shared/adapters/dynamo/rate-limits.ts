/**
 * The rate limiter on the ops table: one item per (tenant, class, minute), pk `RATE#<tenant>#<class>`,
 * sk `<yyyy-mm-ddThh:mm>`, counted by a single conditional UpdateItem (ADD, refused once the budget is
 * used). A full window costs one failed write per refused request; nothing is read.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import {
  type RateCheck,
  type RateLimiter,
  rateWindowExpiry,
  rateWindowOf,
  rateWindowPartition,
} from '../../domain/rate-limits.js';
import { TABLES } from '../../tables.js';
import { dynamo } from './client.js';

/** A limiter slower than this is skipped (the HTTP layer admits the request): it must never slow the API. */
export const RATE_LIMIT_TIMEOUT_MS = 150;

const OPS = TABLES.ops;
const TTL_ATTRIBUTE = OPS.ttlAttribute ?? 'expiresAt';

export interface DynamoRateLimiterOptions {
  /** @default RATE_LIMIT_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

export class RateLimiterUnavailable extends Error {
  override readonly name = 'RateLimiterUnavailable';
}

export function rateWindowUpdate(tableName: string, check: RateCheck) {
  const window = rateWindowOf(check.now);
  return {
    TableName: tableName,
    Key: { pk: rateWindowPartition(check.tenantId, check.limitClass), sk: window.key },
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
        if ((error as Error)?.name === 'ConditionalCheckFailedException') return false;
        if (abort.signal.aborted) {
          throw new RateLimiterUnavailable(`no answer from DynamoDB within ${timeoutMs} ms`, {
            cause: error,
          });
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
