import type * as z from 'zod/mini';

/** What OpenAPI needs to know of one route: its inputs and the success response's shape. */
export interface RouteSchemas {
  readonly path?: z.ZodMiniType;
  readonly query?: z.ZodMiniType;
  readonly body?: z.ZodMiniType;
  readonly response?: z.ZodMiniType;
  /** Success status (default 200). */
  readonly status?: number;
}
