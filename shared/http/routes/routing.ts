import { TENANT_READ, TENANT_WRITE } from '../roles.js';
import type { RouteDefinition } from '../routes.js';

const TAG = 'routing';

export const ROUTING_ROUTES: readonly RouteDefinition[] = [
  {
    id: 'getRouting',
    method: 'GET',
    path: '/v1/numbers/{number}/routing',
    entry: 'functions/api/routing/get.ts',
    roles: TENANT_READ,
    tables: { numbers: 'read', routing: 'read' },
    summary: "The number's current routing configuration (versioned) and what was last applied",
    tag: TAG,
  },
  {
    id: 'putRouting',
    method: 'PUT',
    path: '/v1/numbers/{number}/routing',
    entry: 'functions/api/routing/put.ts',
    roles: TENANT_WRITE,
    tables: { numbers: 'read', routing: 'write' },
    summary: 'Store a new version of the routing configuration (If-Match: the version it replaces)',
    tag: TAG,
  },
  {
    id: 'applyRouting',
    method: 'POST',
    path: '/v1/numbers/{number}/routing/apply',
    entry: 'functions/api/routing/apply.ts',
    roles: TENANT_WRITE,
    tables: { numbers: 'read', routing: 'write' },
    capabilities: ['telephony'],
    summary:
      'Apply the current configuration to Amazon Connect (a diff: unchanged resources are not written)',
    tag: TAG,
  },
  {
    id: 'testRoutingCall',
    method: 'POST',
    path: '/v1/numbers/{number}/routing/test-calls',
    entry: 'functions/api/routing/test-call.ts',
    roles: TENANT_WRITE,
    tables: { numbers: 'read', routing: 'read', ledger: 'read' },
    summary:
      'Simulate a call (caller, instant, key presses) through the generic flow: step-by-step path and outcome',
    tag: TAG,
  },
];
