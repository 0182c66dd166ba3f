import type { RouteDefinition } from '../routes.js';

export const ROUTING_ROUTES: readonly RouteDefinition[] = [];
