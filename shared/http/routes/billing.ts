import type { RouteDefinition } from '../routes.js';

export const BILLING_ROUTES: readonly RouteDefinition[] = [];
