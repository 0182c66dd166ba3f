import type * as z from 'zod/mini';

/** What OpenAPI needs to know of one route: its inputs and the success response's shape. */
export interface RouteSchemas {
  readonly path?: z.ZodMiniType;
  readonly query?: z.ZodMiniType;
  readonly body?: z.ZodMiniType;
  readonly response?: z.ZodMiniType;
  /** Success status (default 200). */
  readonly status?: number;
  /** Other success statuses answering the same shape (an approval is 202, a rejection 200). */
  readonly otherStatuses?: readonly number[];
}
