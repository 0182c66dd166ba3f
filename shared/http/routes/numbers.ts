import type { RouteDefinition } from '../routes.js';

export const NUMBER_ROUTES: readonly RouteDefinition[] = [];
