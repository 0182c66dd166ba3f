import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as importHandler } from '../../functions/api/numbers/import.js';
import { handler as reserveHandler } from '../../functions/api/numbers/reserve.js';
import { handler as searchHandler } from '../../functions/api/numbers/search-available.js';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { classify } from '../../shared/domain/numbers/classifier.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { demoInventory } from '../../shared/domain/numbers/seed-inventory.js';
import type { EventOptions } from '../support/api-events.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { callApi, type Handler, importNumbers, reserveNumber, searchAvailable } from './numbers-support.js';

const NOW = new Date('2026-11-25T02:00:00Z');
const inventory = demoInventory(150);
let db: TestDatabase;

const call = (h: Handler, options: EventOptions) => callApi(h, { at: NOW, ...options });
const search = (query: Record<string, string>, tenantId = 'acme') =>
  call(searchHandler, { tenantId, roles: ['tenant-admin'], query });

beforeAll(async () => {
  db = await startTestDatabase();
  const report = await importNumbers(inventory, NOW.toISOString(), config);
  expect(report.imported).toHaveLength(inventory.length);
});
afterAll(async () => db?.stop());

describe('inventory import', () => {
  it('is idempotent and reports duplicates, in the file and in the inventory', async () => {
    const again = await importNumbers(
      [inventory[0] as string, inventory[0] as string, '4008000001'],
      NOW.toISOString(),
      config,
    );
    expect(again.imported).toEqual(['4008000001']);
    expect([...again.duplicates].sort()).toEqual([inventory[0], inventory[0]].sort());
  });

  it('refuses a file with malformed numbers whole, listing each bad line', async () => {
    const res = await call(importHandler, {
      roles: ['operator'],
      body: { numbers: ['4008000002', '4002123456', 'hello'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_numbers');
    expect(res.body.error.details.malformed.map((m: { line: number }) => m.line)).toEqual([2, 3]);
    expect(await getNumberItem('4008000002')).toBeUndefined();
  });

  it('is an operator route: a tenant gets 403', async () => {
    const res = await call(importHandler, {
      tenantId: 'acme',
      roles: ['tenant-admin'],
      body: { numbers: ['4008000003'] },
    });
    expect(res.status).toBe(403);
  });

  it('stores each number with its classifier tier and fee', async () => {
    const item = await getNumberItem('4008888888');
    expect(item).toMatchObject({ status: 'available', tier: 'diamond', gsi1pk: 'AVAIL#4008' });
    expect(item?.selectionFee).toBe(classify('4008888888', config).selectionFee);
  });
});

describe('GET /v1/numbers/available', () => {
  it('lists a segment best tier first, with selection fee and plans on each result', async () => {
    const res = await search({ segment: '4006', limit: '10' });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(10);
    const ranks = res.body.items.map((i: { tier: string }) => config.tiers.findIndex((t) => t.id === i.tier));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    for (const item of res.body.items) {
      expect(item.segment).toBe('4006');
      expect(item.price.selectionFee).toBe(classify(item.number, config).selectionFee);
      expect(item.price.openingFee).toBe(item.price.selectionFee + config.firstTopUp);
      expect(item.price.plans.map((p: { id: string }) => p.id)).toEqual(
        config.tariffs['4006'].plans.map((p) => p.id),
      );
    }
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });

  it('pages through every available number of a segment exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await search({ segment: '4007', limit: '37', ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { number: string }) => i.number));
      cursor = res.body.nextCursor;
    } while (cursor);
    const expected = inventory.filter((n) => n.startsWith('4007'));
    expect(seen.length).toBe(expected.length);
    expect(new Set(seen)).toEqual(new Set(expected));
  });

  it('matches contains with * wildcards anywhere in the number, across segments', async () => {
    const expected = inventory.filter((n) => /888/.test(n)).sort();
    const found: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await search({ contains: '888', limit: '100', ...(cursor ? { cursor } : {}) });
      found.push(...res.body.items.map((i: { number: string }) => i.number));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(found.sort()).toEqual(expected);

    const wild = await search({ segment: '4008', contains: '1*1*1*', limit: '100' });
    expect(wild.body.items.map((i: { number: string }) => i.number).sort()).toEqual(
      inventory.filter((n) => n.startsWith('4008') && /1\d1\d1\d/.test(n)).sort(),
    );
  });

  it('stops at its read budget with a cursor, and the cursors still reach every match', async () => {
    const expected = inventory.filter((n) => n.includes('99')).sort();
    const found: string[] = [];
    let cursor: string | undefined;
    let requests = 0;
    do {
      const page = await searchAvailable(
        { contains: '99', limit: 100, readBudget: 40, ...(cursor ? { cursor } : {}) },
        NOW.toISOString(),
        config,
      );
      expect(page.scanned).toBeLessThanOrEqual(40);
      found.push(...page.items.map((i) => i.number));
      cursor = page.nextCursor;
      requests += 1;
    } while (cursor && requests < 1000);
    expect(requests).toBeGreaterThan(inventory.length / 40 - 1);
    expect(found.sort()).toEqual(expected);
  });

  it('filters by tier', async () => {
    const res = await search({ segment: '4001', tier: 'platinum', limit: '100' });
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((i: { tier: string }) => i.tier === 'platinum')).toBe(true);
    expect(res.body.items.length).toBe(
      inventory.filter((n) => n.startsWith('4001') && classify(n, config).tier === 'platinum').length,
    );
  });

  it.each([
    [{ segment: '4002' }, 'segment'],
    [{ tier: 'golden' }, 'tier'],
    [{ contains: '88-8' }, 'contains'],
    [{ contains: '12345678901' }, 'contains'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ cursor: 'not-a-cursor' }, 'cursor'],
    [{ colour: 'red' }, 'colour'],
  ])('refuses %o with 400 naming %s', async (query, field) => {
    const res = await search(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  });

  it('refuses a cursor from another segment', async () => {
    const first = await search({ segment: '4006', limit: '5' });
    const res = await search({ segment: '4008', cursor: first.body.nextCursor });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('cursor');
  });

  it('hides held numbers until their hold expires', async () => {
    const number = inventory.find(
      (n) => n.startsWith('4001') && classify(n, config).tier === 'standard',
    ) as string;
    const contains = number.slice(3);
    await reserveNumber(number, 'holder', NOW.toISOString(), config);
    expect((await search({ contains })).body.items.map((i: { number: string }) => i.number)).not.toContain(
      number,
    );
    const later = new Date(NOW.getTime() + config.holdMinutes * 60_000);
    const res = await call(searchHandler, {
      tenantId: 'acme',
      roles: ['tenant-admin'],
      query: { contains },
      at: later,
    });
    expect(res.body.items.map((i: { number: string }) => i.number)).toContain(number);
  });
});

describe('POST /v1/numbers/{number}/reservation', () => {
  const reserve = (number: string, tenantId: string, at = NOW) =>
    call(reserveHandler, { tenantId, roles: ['tenant-admin'], path: { number }, at });

  it('20 tenants racing for one number: exactly one wins', async () => {
    const number = '4006123456';
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => reserve(number, `racer-${i}`)));
    const winners = results.filter((r) => r.status === 201);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
    const item = await getNumberItem(number);
    expect(item?.tenantId).toBe(winners[0]?.body.tenantId);
  });

  it('enforces the hold limit atomically, even under parallel requests', async () => {
    const candidates = inventory.filter((n) => n.startsWith('4008')).slice(10, 10 + config.holdLimit + 5);
    const results = await Promise.all(candidates.map((n) => reserve(n, 'hoarder')));
    expect(results.filter((r) => r.status === 201)).toHaveLength(config.holdLimit);
    expect(
      results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'hold_limit_reached'),
    ).toBe(true);
  });

  it('is harmless to repeat, and expired holds free both the number and the tenant slot', async () => {
    const number = inventory.filter((n) => n.startsWith('4007'))[20] as string;
    const first = await reserve(number, 'again');
    const second = await reserve(number, 'again');
    expect(second.status).toBe(201);
    expect(second.body.holdExpiresAt).toBe(first.body.holdExpiresAt);
    expect((await reserve(number, 'other')).status).toBe(409);
    const later = new Date(NOW.getTime() + config.holdMinutes * 60_000 + 1);
    expect((await reserve(number, 'other', later)).status).toBe(201);
  });

  it('answers 404 for a number not in the inventory and 400 for a malformed one', async () => {
    expect((await reserve('4008000999', 'acme')).status).toBe(404);
    const bad = await reserve('12345', 'acme');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('number');
  });

  it('is refused to operators without a tenant', async () => {
    const res = await call(reserveHandler, { roles: ['operator'], path: { number: '4008888888' } });
    expect(res.status).toBe(403);
  });
});
