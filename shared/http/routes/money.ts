import type { RouteDefinition } from '../routes.js';

export const MONEY_ROUTES: readonly RouteDefinition[] = [];
