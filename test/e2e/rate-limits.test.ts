/**
 * The local runtime limits tenants as Lambda does (the DynamoDB limiter is on by default there), and the
 * 429 with its Retry-After reaches the client through the local HTTP front. The local server stamps
 * requests with the real clock, so the test asks for up to 2 × budget + 1 requests: however the minute
 * boundary falls, one of them must be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS_ENV } from '../../shared/domain/rate-limits.js';
import { type ApiResponseOf, type LocalApi, startLocalApi } from '../support/local-api.js';

const BUDGET = 2;
let api: LocalApi;

beforeAll(async () => {
  process.env[RATE_LIMITS_ENV] = `read=${BUDGET}`;
  api = await startLocalApi({ seed: false });
});
afterAll(async () => {
  delete process.env[RATE_LIMITS_ENV];
  await api?.stop();
});

describe('rate limits in the local runtime', () => {
  it("refuses a tenant over its read budget with 429 and Retry-After; another tenant's first request passes", async () => {
    const token = await api.token('busy-tenant', ['tenant-viewer']);
    const statuses: number[] = [];
    let refused: ApiResponseOf<{ error: Record<string, unknown> }> | undefined;
    for (let i = 0; i < 2 * BUDGET + 1 && !refused; i++) {
      const response = await api.get('/v1/holiday-calendars', token);
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(refused, `statuses ${statuses.join(',')}`).toBeDefined();
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
    expect(refused?.body.error.code).toBe('rate_limited');
    expect(Object.keys(refused?.body.error ?? {}).sort()).toEqual(['code', 'message']);
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const other = await api.token('quiet-tenant', ['tenant-viewer']);
    expect((await api.get('/v1/holiday-calendars', other)).status).toBe(200);
    // The local control routes are never limited.
    for (let i = 0; i < 2 * BUDGET + 1; i++) expect((await api.get('/local/health')).status).toBe(200);
  });
});
