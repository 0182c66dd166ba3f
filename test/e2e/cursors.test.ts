/**
 * Signed cursors over HTTP on the local runtime (key generated per runtime): a cursor pages on for the
 * tenant, route and filters it was issued for, within 24 h; edited, foreign, re-filtered or stale it is a
 * 400 `invalid_cursor`, never a 500 and never a page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

let api: LocalApi;
let demo: string;
let acme: string;

beforeAll(async () => {
  api = await startLocalApi({ clockAt: '2026-11-23T00:00:00Z' });
  demo = await api.token('demo', ['tenant-admin']);
  acme = await api.token('acme', ['tenant-admin']);
  for (const key of ['cursor-order-0001', 'cursor-order-0002', 'cursor-order-0003']) {
    const res = await api.request('POST', '/v1/payments', {
      token: demo,
      body: { amount: 10_000, channel: 'alipay' },
      headers: { 'idempotency-key': key },
    });
    expect(res.status).toBe(201);
  }
}, 120_000);
afterAll(async () => api?.stop());

const refused = (res: { status: number; body: any }) => {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({
    error: { code: 'invalid_cursor', message: expect.any(String), field: 'cursor' },
  });
};

describe('signed cursors on the local runtime', () => {
  let cursor: string;

  it('page through a list: three orders, one a page, each once', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const res = await api.get(`/v1/payments?limit=1${next ? `&cursor=${next}` : ''}`, demo);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((o: { orderId: string }) => o.orderId));
      next = res.body.nextCursor;
      cursor ??= next as string;
      // Opaque: three dot-separated parts, the last an HMAC-SHA256 (43 base64url characters).
      if (next) expect(next).toMatch(/^[\w-]+\.[0-9a-z]+\.[\w-]{43}$/);
    } while (next);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
  });

  it('refuse an edited cursor, another tenant, another route, and a cursor with a limit still works', async () => {
    const flipped = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    refused(await api.get(`/v1/payments?cursor=${flipped}`, demo));
    refused(await api.get(`/v1/payments?cursor=${cursor}`, acme));
    refused(await api.get(`/v1/account/ledger?cursor=${cursor}`, demo));
    refused(await api.get('/v1/payments?cursor=not-a-cursor', demo));
    expect((await api.get(`/v1/payments?limit=2&cursor=${cursor}`, demo)).body.items).toHaveLength(2);
  });

  it('refuse a calls cursor under other filters', async () => {
    const number = (await api.get('/v1/numbers', demo)).body.items[0].number as string;
    const from = '2026-11-01T00:00:00.000Z';
    const page = await api.get(`/v1/calls?number=${number}&from=${from}&limit=1`, demo);
    expect(page.status).toBe(200);
    // No calls yet, so no cursor: a payments cursor stands in for one the calls route never issued.
    refused(await api.get(`/v1/calls?number=${number}&from=${from}&cursor=${cursor}`, demo));
  });

  it('are stale after 24 hours', async () => {
    await api.setClock('2026-11-24T00:00:00Z');
    expect((await api.get(`/v1/payments?limit=1&cursor=${cursor}`, demo)).status).toBe(200);
    await api.setClock('2026-11-24T00:00:01Z');
    refused(await api.get(`/v1/payments?limit=1&cursor=${cursor}`, demo));
  });
});
