import type { RouteSchemas } from './types.js';

/** OpenAPI schemas of this area's routes, by route id (the handlers import the same schema objects). */
export const ROUTING_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {};
