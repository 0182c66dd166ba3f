/**
 * The security suite's world on the local runtime: tenant A ("acme") attacks, tenant B (the seeded "demo")
 * owns numbers (active and held), applications, calls, statements, payment orders and list cursors, and
 * whatever else B's own GET lists show (members, audit events, recordings… as routes land). Everything B
 * owns is found by crawling the route table as B, so new routes add their objects without editing this file.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { callItem } from '../../shared/adapters/dynamo/call-ingest.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { DynamoNotificationDeliveries } from '../../shared/adapters/dynamo/notification-deliveries.js';
import { dynamoStatements } from '../../shared/adapters/dynamo/statement-store.js';
import { tableName } from '../../shared/config.js';
import type { CallRecord } from '../../shared/domain/calls/call-record.js';
import { RATE_LIMIT_CLASSES, RATE_LIMITS_ENV } from '../../shared/domain/rate-limits.js';
import type { Role } from '../../shared/http/roles.js';
import { ROUTES, type RouteDefinition } from '../../shared/http/routes.js';
import { ROUTE_SCHEMAS } from '../../shared/http/schemas/index.js';
import { answeredCall } from '../integration/ingest-fixtures.js';
import { type LocalApi, startLocalApi } from './local-api.js';
import { jsonSchemaOf, sampleOf } from './zod-arbitrary.js';

export const ATTACKER = 'acme';
export const VICTIM = 'demo';
/** The runtime's first instant (B's number is activated then); B's calls come after it, in listCalls' default week. */
export const CLOCK_AT = '2026-11-25T00:00:00Z';
/** A number A held until it was transferred to B on 20 November: A is its former owner. */
export const FORMER_NUMBER = '4001990011';
/** A's call on it during its tenure, and B's since. */
export const FORMER_OWNERS_CALL = 'c-attacker-former';
export const NEW_OWNERS_CALL = 'c-victim-former';
/** B's call that ingest parks (it starts after the fixture's clock): an object of operators' review routes. */
export const PARKED_CONTACT = 'c-victim-parked';
/** B's alert phone, which the SMS provider refused: on B's undelivered alerts alone. */
const VICTIM_ALERT_PHONE = '+8613955500077';

/** `{"error":{"code","message","field"?,"details"?}}`, as shared/http/api-handler.ts errorBody writes it. */
export const errorShape = z.strictObject({
  error: z.strictObject({
    code: z.string().check(z.regex(/^[a-z][a-z0-9_]*$/)),
    message: z.string().check(z.minLength(1)),
    field: z.optional(z.string()),
    details: z.optional(z.record(z.string(), z.unknown())),
  }),
});

export interface TwoTenants {
  readonly api: LocalApi;
  readonly tokens: { readonly attacker: string; readonly victim: string; readonly operator: string };
  /** B's values by the field name they came under (number, applicationId, contactId, orderId, month…). */
  readonly owned: ReadonlyMap<string, ReadonlySet<string>>;
  /** B's cursors: route id → a `nextCursor` B got on it. */
  readonly cursors: ReadonlyMap<string, string>;
  /** Values A itself sees on the same routes (inventory, plans, calendars): public, by field name. */
  readonly public: ReadonlyMap<string, ReadonlySet<string>>;
  /** Strings that must never appear in A's responses unless A sent them itself. */
  readonly markers: readonly string[];
}

export const TENANT_ROLES: readonly Role[] = ['tenant-admin', 'tenant-viewer'];
export const admitsTenants = (route: RouteDefinition) => route.roles.some((r) => TENANT_ROLES.includes(r));

export const pathParamsOf = (route: RouteDefinition) =>
  [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);

export function queryFieldsOf(route: RouteDefinition): { names: string[]; required: string[] } {
  const query = ROUTE_SCHEMAS[route.id]?.query;
  if (!query) return { names: [], required: [] };
  const json = jsonSchemaOf(query);
  return {
    names: Object.keys((json.properties ?? {}) as object),
    required: (json.required ?? []) as string[],
  };
}

export function fillPath(route: RouteDefinition, values: Record<string, string>, encode = true): string {
  return route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = values[name] ?? '';
    return encode ? encodeURIComponent(value) : value;
  });
}

export const queryString = (query: Record<string, string>) => {
  const text = new URLSearchParams(query).toString();
  return text ? `?${text}` : '';
};

/** Rate limits are tested on their own (test/e2e/rate-limits.test.ts); here they would hide routes behind 429s. */
export function disableRateLimits(): void {
  process.env[RATE_LIMITS_ENV] = RATE_LIMIT_CLASSES.map((c) => `${c}=off`).join(',');
}

function collect(value: unknown, into: Map<string, Set<string>>, key = ''): void {
  if (typeof value === 'string') {
    if (key && value.length >= 4) {
      const set = into.get(key) ?? new Set<string>();
      set.add(value);
      into.set(key, set);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, into, key);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collect(v, into, k);
  }
}

/** Keys whose values identify B's objects or hold B's private data (times, months and labels are no secret). */
const MARKER_KEYS = /(^|[a-z])(Id|id|number|Number|Ref|caller|phones?|key)$/;

export async function startTwoTenants(): Promise<TwoTenants> {
  disableRateLimits();
  const api = await startLocalApi({ clockAt: CLOCK_AT });
  const attacker = await api.token(ATTACKER, ['tenant-admin']);
  const victim = await api.token(VICTIM, ['tenant-admin']);
  const operator = await api.token(undefined, ['operator']);

  // B's active number (seeded), a second one it holds with a draft application, twelve calls, two payment
  // orders, two statements.
  const active = (await api.get('/v1/numbers', victim)).body.items[0].number as string;
  const available = await api.get('/v1/numbers/available?segment=4006&limit=1', victim);
  const held = available.body.items[0].number as string;
  expectStatus(await api.post(`/v1/numbers/${held}/reservation`, undefined, victim), 201);
  expectStatus(
    await api.post(
      '/v1/applications',
      {
        number: held,
        applicantType: 'enterprise',
        applicantName: 'Demo Second Line Co., Ltd.',
        industry: 'ecommerce',
        intendedUsage: 'After-sales line',
        expectedMonthlyMinutes: 500,
        planId: 'basic',
      },
      victim,
    ),
    201,
  );
  // B's calls come in on the access number Connect bound to its active number.
  const accessNumber = (await api.get(`/v1/numbers/${active}`, victim)).body.accessNumber as string;
  // More calls than a page of reads (10) thins out, so a tenant filter after the read would show.
  const calls = Array.from({ length: 12 }, (_, k) =>
    answeredCall(accessNumber, {
      contactId: `c-victim-${String(k + 1).padStart(4, '0')}`,
      caller: `+861391234${String(k + 1).padStart(4, '0')}`,
      answeredAt: new Date(Date.parse('2026-11-25T00:15:19Z') + k * 3_600_000).toISOString(),
    }),
  );
  // After the number's activation (the runtime's first instant) and before now: charged to B.
  expectStatus(await api.put('/local/clock', { now: '2026-11-25T12:00:00Z' }), 200);
  // And one dated hours ahead, which ingest parks for operators' review (never charged, never B's to see).
  calls.push(answeredCall(accessNumber, { contactId: PARKED_CONTACT, answeredAt: '2026-11-25T20:00:00Z' }));
  const ingest = await api.post('/local/contact-records', calls);
  expectStatus(ingest, 202);
  for (const key of ['victim-order-0001', 'victim-order-0002']) {
    expectStatus(
      await api.request('POST', '/v1/payments', {
        token: victim,
        body: { amount: 10_000, channel: 'alipay' },
        headers: { 'idempotency-key': key },
      }),
      201,
    );
  }
  await dynamoStatements.write(
    ['2026-09', '2026-10'].map((month) => ({
      tenantId: VICTIM,
      month,
      timeZone: 'Asia/Shanghai',
      periodStart: `${month}-01T00:00:00+08:00`,
      periodEnd: `${month}-28T00:00:00+08:00`,
      openingBalance: 50_000,
      closingBalance: 48_765,
      totalDebits: 1_235,
      totalCredits: 0,
      entryCount: 0,
      periodNet: -1_235,
      lines: [],
      usage: [],
    })),
    '2026-11-01T00:00:00.000Z',
  );

  // Two of B's alerts the SMS provider refused for good (B's undelivered alerts: its phone, never A's to see).
  for (const day of ['2026-11-24', '2026-11-25'])
    await new DynamoNotificationDeliveries().record(
      {
        tenantId: VICTIM,
        kind: 'low_balance',
        template: 'low_balance',
        dedupeKey: `low_balance#${VICTIM}#${day}`,
        params: { balance: '¥1.00', threshold: '¥50.00' },
      },
      {
        delivery: { channel: 'sms', to: VICTIM_ALERT_PHONE },
        state: 'refused',
        at: `${day}T06:00:00.000Z`,
        detail: 'isv.MOBILE_NUMBER_ILLEGAL',
      },
    );

  // B's recorded prompt: its id must never open B's prompt to A, nor appear in anything A reads. A registers
  // one of the same name: a label both use is no secret of B's (nor is the route id their audit events name).
  const prompt = await api.post('/v1/prompts', { name: 'Greeting' }, victim);
  expectStatus(prompt, 201);
  expectStatus(await api.post('/v1/prompts', { name: 'Greeting' }, attacker), 201);

  await handOver(FORMER_NUMBER);

  // Crawl every GET list B may call, first pages and `limit=1` pages for cursors.
  const fills: Record<string, string> = { number: active, month: '2026-10', tenantId: VICTIM };
  const cursors = new Map<string, string>();
  const owned = await crawl(api, victim, fills, cursors);
  // What A sees on the same routes is public (inventory, calendars, tariffs, plan names): not B's.
  const seen = await crawl(api, attacker, fills, new Map());
  for (const [key, values] of owned) {
    for (const value of values) if ([...seen.values()].some((s) => s.has(value))) values.delete(value);
    if (values.size === 0) owned.delete(key);
  }
  for (const number of [active, held, FORMER_NUMBER]) add(owned, 'number', number);
  add(owned, 'contactId', PARKED_CONTACT);
  add(owned, 'contactId', NEW_OWNERS_CALL);
  add(owned, 'tenantId', VICTIM);
  add(owned, 'promptId', prompt.body.promptId as string);
  for (const month of ['2026-09', '2026-10']) add(owned, 'month', month);

  const markers = [...owned.entries()]
    .filter(([key]) => MARKER_KEYS.test(key))
    .flatMap(([, values]) => [...values])
    // A held FORMER_NUMBER itself: the number is no secret to A, B's calls on it are.
    .filter((v) => v !== VICTIM && v !== FORMER_NUMBER && v.length >= 6);
  markers.push('Demo Second Line', 'c-victim-', '+86139123400', VICTIM_ALERT_PHONE);
  return {
    api,
    tokens: { attacker, victim, operator },
    owned,
    cursors,
    public: seen,
    markers: [...new Set(markers)],
  };
}

/**
 * A number as the lifecycle leaves it after A held it (activated 1 November) and transferred it to B (20
 * November): B's now, with both owners' history rows, and a call of each in its own tenant's partition.
 */
async function handOver(number: string): Promise<void> {
  const row = (sk: string, at: string, from: string, to: string, command: string, tenantId: string) => ({
    pk: `NUM#${number}`,
    sk,
    type: 'number_history',
    number,
    at,
    from,
    to,
    command,
    actor: tenantId,
    tenantId,
  });
  const moved = '2026-11-20T02:00:00.000Z';
  const numbers = [
    {
      pk: `NUM#${number}`,
      sk: 'NUMBER',
      type: 'number',
      number,
      segment: '4001',
      tier: 'standard',
      tierRank: 0,
      selectionFee: 0,
      status: 'active',
      tenantId: VICTIM,
      accessNumber: '+6532900011',
      owners: [
        { tenantId: ATTACKER, from: '2026-11-01T02:00:00.000Z', to: moved },
        { tenantId: VICTIM, accessNumber: '+6532900011', from: moved },
      ],
      version: 3,
      importedAt: '2026-10-01T00:00:00.000Z',
      updatedAt: moved,
    },
    row(
      'HIST#2026-11-01T02:00:00.000Z#00000001',
      '2026-11-01T02:00:00.000Z',
      'activating',
      'active',
      'activate',
      ATTACKER,
    ),
    row(`HIST#${moved}#00000002`, moved, 'transfer_pending', 'active', 'accept_transfer', ATTACKER),
    row(`HIST#${moved}#00000002#new`, moved, 'transfer_pending', 'active', 'accept_transfer', VICTIM),
  ];
  const call = (contactId: string, tenantId: string, startedAt: string): CallRecord => ({
    contactId,
    tenantId,
    number,
    accessNumber: '+6532900011',
    caller: '+862161234567',
    startedAt,
    answeredAt: startedAt,
    endedAt: new Date(Date.parse(startedAt) + 60_000).toISOString(),
    day: startedAt.slice(0, 10),
    durationSeconds: 60,
    billedSeconds: 60,
    includedSecondsUsed: 0,
    amount: 30,
    missed: false,
    local: false,
    ivr: false,
    recordingSeconds: 0,
    segment: '4001',
    plan: 'payg',
    tariffVersion: 'default',
    lastUpdatedAt: startedAt,
  });
  const calls = [
    call(FORMER_OWNERS_CALL, ATTACKER, '2026-11-19T02:00:00.000Z'),
    call(NEW_OWNERS_CALL, VICTIM, '2026-11-21T02:00:00.000Z'),
  ].map((c) => callItem(c, { amount: c.amount, at: c.endedAt, description: 'call' }, 400));
  await dynamo().send(
    new BatchWriteCommand({
      RequestItems: {
        [tableName('numbers')]: numbers.map((Item) => ({ PutRequest: { Item } })),
        [tableName('ledger')]: calls.map((Item) => ({ PutRequest: { Item } })),
      },
    }),
  );
}

/** Every value the GET routes `token` may call show it, by field name; their first `nextCursor`s into `cursors`. */
async function crawl(
  api: LocalApi,
  token: string,
  fills: Record<string, string>,
  cursors: Map<string, string>,
): Promise<Map<string, Set<string>>> {
  const found = new Map<string, Set<string>>();
  for (const route of ROUTES) {
    if (route.method !== 'GET' || !admitsTenants(route)) continue;
    const { names, required } = queryFieldsOf(route);
    const query: Record<string, string> = {};
    const sample = (
      route.id in ROUTE_SCHEMAS && ROUTE_SCHEMAS[route.id]?.query
        ? sampleOf(ROUTE_SCHEMAS[route.id]?.query as never)
        : {}
    ) as Record<string, unknown>;
    for (const name of required) query[name] = fills[name] ?? String(sample[name]);
    const path = fillPath(route, Object.fromEntries(pathParamsOf(route).map((p) => [p, fills[p] ?? ''])));
    const full = await api.get(`${path}${queryString(query)}`, token);
    if (full.status === 200) collect(full.body, found);
    if (names.includes('cursor') && names.includes('limit')) {
      const first = await api.get(`${path}${queryString({ ...query, limit: '1' })}`, token);
      if (typeof first.body?.nextCursor === 'string') cursors.set(route.id, first.body.nextCursor);
    }
  }
  return found;
}

function add(into: Map<string, Set<string>>, key: string, value: string) {
  const set = into.get(key) ?? new Set<string>();
  set.add(value);
  into.set(key, set);
}

function expectStatus(response: { status: number; body: unknown }, status: number): void {
  if (response.status !== status) {
    throw new Error(`fixture step answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
}

/** B's values a path or query parameter of this name may take. */
export function candidatesFor(name: string, owned: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const direct = owned.get(name);
  if (direct?.size) return [...direct];
  // `{id}` and friends: every identifier B owns that is not a tenant id.
  return [...owned.entries()]
    .filter(([key]) => /Id$/.test(key) && key !== 'tenantId')
    .flatMap(([, values]) => [...values]);
}

/** A cursor's readable parts: each dot-separated piece base64url-decoded, where it decodes to text. */
function decodedCursor(body: unknown): string {
  const next = (body as { nextCursor?: unknown } | undefined)?.nextCursor;
  if (typeof next !== 'string') return '';
  return next
    .split('.')
    .map((part) => Buffer.from(part, 'base64url').toString('utf8'))
    .join(' ');
}

/** Strings of `markers` in a response (its cursor decoded too) that the request itself did not carry. */
export function leaksIn(body: unknown, request: string, markers: readonly string[]): string[] {
  const text = `${typeof body === 'string' ? body : JSON.stringify(body ?? '')} ${decodedCursor(body)}`;
  return markers.filter((m) => text.includes(m) && !request.includes(m));
}
