import { OPERATOR, type Role, TENANT_READ, TENANT_WRITE } from '../roles.js';
import type { RouteDefinition } from '../routes.js';

const TAG = 'routing';
/** The public holiday calendar is read by anyone signed in (tenants plan their hours around it). */
const ANY_USER: readonly Role[] = /* @__PURE__ */ TENANT_READ.concat(OPERATOR);

export const ROUTING_ROUTES: readonly RouteDefinition[] = [
  {
    id: 'registerPrompt',
    method: 'POST',
    path: '/v1/prompts',
    entry: 'functions/api/routing/register-prompt.ts',
    roles: TENANT_WRITE,
    tables: { routing: 'write' },
    capabilities: ['promptUploads'],
    rateLimit: 'write',
    summary:
      'Register a recorded prompt: answers its `promptId` and a 10-minute upload form for the audio (WAV, 8 kHz mono µ-law, at most five minutes), stored under your own prefix; routing configurations play it as `prompt.audio: <promptId>`. At most 50 per account (409 prompt_limit_reached; delete one to free a slot)',
    tag: TAG,
  },
  {
    id: 'listPrompts',
    method: 'GET',
    path: '/v1/prompts',
    entry: 'functions/api/routing/list-prompts.ts',
    roles: TENANT_READ,
    tables: { routing: 'read' },
    capabilities: ['cursors'],
    rateLimit: 'read',
    summary: "The tenant's recorded prompts, in prompt id order; paginated",
    tag: TAG,
  },
  {
    id: 'getPrompt',
    method: 'GET',
    path: '/v1/prompts/{promptId}',
    entry: 'functions/api/routing/get-prompt.ts',
    roles: TENANT_READ,
    tables: { routing: 'read' },
    capabilities: ['prompts'],
    rateLimit: 'read',
    summary: "One of the tenant's prompts and whether its audio has arrived; another tenant's is a 404",
    tag: TAG,
  },
  {
    id: 'deletePrompt',
    method: 'DELETE',
    path: '/v1/prompts/{promptId}',
    entry: 'functions/api/routing/delete-prompt.ts',
    roles: TENANT_WRITE,
    // numbers: the tenant's numbers, whose configurations must not play it; telephony: Connect's DeletePrompt.
    tables: { numbers: 'read', routing: 'write' },
    capabilities: ['telephony', 'promptDeletes'],
    rateLimit: 'write',
    summary:
      "Delete a prompt no configuration of yours plays (current or last applied; else 409 prompt_in_use): its audio, the Connect prompt apply made, and its registration, freeing a slot; another tenant's is a 404",
    tag: TAG,
  },
  {
    id: 'getRouting',
    method: 'GET',
    path: '/v1/numbers/{number}/routing',
    entry: 'functions/api/routing/get.ts',
    roles: TENANT_READ,
    tables: { numbers: 'read', routing: 'read' },
    rateLimit: 'read',
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
    rateLimit: 'write',
    summary: 'Store a new version of the routing configuration (If-Match: the version it replaces)',
    tag: TAG,
  },
  {
    id: 'applyRouting',
    method: 'POST',
    path: '/v1/numbers/{number}/routing/apply',
    entry: 'functions/api/routing/apply.ts',
    roles: TENANT_WRITE,
    // Writes the apply job and sends it to the routing apply worker (infra/catalogue/work-queues.ts),
    // which alone calls Connect.
    tables: { numbers: 'read', routing: 'write' },
    rateLimit: 'expensive',
    summary:
      'Apply the current configuration to Amazon Connect: 202 with the apply job, run by a worker as a resumable diff (unchanged resources are not written); GET …/routing shows its progress',
    tag: TAG,
  },
  {
    id: 'testRoutingCall',
    method: 'POST',
    path: '/v1/numbers/{number}/routing/test-calls',
    entry: 'functions/api/routing/test-call.ts',
    roles: TENANT_WRITE,
    // ops: the stored tariff versions, for the worst rates a draft's call limits and refusals use.
    tables: { numbers: 'read', routing: 'read', ledger: 'read', ops: 'read' },
    rateLimit: 'expensive',
    summary:
      'Simulate a call (caller, instant, key presses) through the generic flow: step-by-step path and outcome',
    tag: TAG,
  },
  {
    id: 'listHolidayCalendars',
    method: 'GET',
    path: '/v1/holiday-calendars',
    entry: 'functions/api/routing/list-holiday-calendars.ts',
    roles: ANY_USER,
    tables: { routing: 'read' },
    rateLimit: 'read',
    summary:
      'The public holiday calendar routing uses, year by year (published by operators, else bundled), and its stamp',
    tag: TAG,
  },
  {
    id: 'getHolidayCalendar',
    method: 'GET',
    path: '/v1/holiday-calendars/{year}',
    entry: 'functions/api/routing/get-holiday-calendar.ts',
    roles: ANY_USER,
    tables: { routing: 'read' },
    rateLimit: 'read',
    summary: "One year's public holidays and make-up workdays (调休), and whether operators published it",
    tag: TAG,
  },
  {
    id: 'putHolidayCalendar',
    method: 'PUT',
    path: '/v1/holiday-calendars/{year}',
    entry: 'functions/api/routing/put-holiday-calendar.ts',
    roles: OPERATOR,
    rateLimit: 'write',
    tables: { routing: 'write' },
    summary:
      "Operators: publish or correct a year's public holidays (replaces the bundled year; the same content is a no-op; If-Match: the version it replaces). Snapshots and Connect hours follow within 15 minutes",
    tag: TAG,
  },
];
