/**
 * The OpenAPI response schemas describe what the handlers really answer: a journey over HTTP on the local
 * runtime, each success body checked against its route's response schema.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ROUTES } from '../../shared/http/routes.js';
import { ROUTE_SCHEMAS } from '../../shared/http/schemas/index.js';
import { type ApiResponseOf, type LocalApi, payIn, startLocalApi } from '../support/local-api.js';

let api: LocalApi;
let tenant: string;
let viewer: string;
let operator: string;
const checked = new Set<string>();

beforeAll(async () => {
  api = await startLocalApi();
  tenant = await api.token('acme', ['tenant-admin']);
  viewer = await api.token('demo', ['tenant-admin']);
  operator = await api.token(undefined, ['operator']);
}, 120_000);
afterAll(async () => api?.stop());

/** The body conforms to the route's documented success response; returns it for the next step. */
function conforms(routeId: string, res: ApiResponseOf): any {
  const route = ROUTES.find((r) => r.id === routeId);
  const schemas = ROUTE_SCHEMAS[routeId];
  expect(
    [schemas?.status ?? 200, ...(schemas?.otherStatuses ?? [])],
    `${routeId}: ${JSON.stringify(res.body)}`,
  ).toContain(res.status);
  const response = schemas?.response;
  expect(response, `${route?.id} has a response schema`).toBeDefined();
  const parsed = z.safeParse(response as z.ZodMiniType, res.body);
  expect(parsed.error?.issues ?? [], `${routeId} body ${JSON.stringify(res.body).slice(0, 400)}`).toEqual([]);
  checked.add(routeId);
  return res.body;
}

async function upload(applicationId: string, kind: string) {
  const doc = conforms(
    'addApplicationDocument',
    await api.post(
      `/v1/applications/${applicationId}/documents`,
      { kind, contentType: 'application/pdf' },
      tenant,
    ),
  );
  const url: string = doc.upload.url;
  await fetch(url.startsWith('http') ? url : `${api.baseUrl}${url}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/pdf' },
    body: Buffer.from('%PDF-1.7'),
  });
}

describe('documented response schemas against real answers', () => {
  it('hold for the numbers and applications journey', async () => {
    const found = conforms(
      'searchAvailableNumbers',
      await api.get('/v1/numbers/available?segment=4008&limit=3', tenant),
    );
    const number: string = found.items[0].number;
    const openingFee: number = found.items[0].price.openingFee;
    conforms('reserveNumber', await api.post(`/v1/numbers/${number}/reservation`, undefined, tenant));
    const app = conforms(
      'createApplication',
      await api.post(
        '/v1/applications',
        {
          number,
          applicantType: 'individual',
          applicantName: 'Li Lei',
          industry: 'education',
          intendedUsage: 'Tutoring enquiries',
          expectedMonthlyMinutes: 300,
          planId: 'basic',
        },
        tenant,
      ),
    );
    await upload(app.applicationId, 'id_card');
    await upload(app.applicationId, 'income_proof');
    conforms(
      'submitApplication',
      await api.post(`/v1/applications/${app.applicationId}/submission`, undefined, tenant),
    );
    conforms('getApplication', await api.get(`/v1/applications/${app.applicationId}`, tenant));
    conforms('listApplications', await api.get('/v1/applications?limit=5', tenant));
    conforms('listPendingApplications', await api.get('/v1/review/applications', operator));
    conforms(
      'getApplicationForReview',
      await api.get(`/v1/review/applications/${app.applicationId}`, operator),
    );
    conforms(
      'decideApplication',
      await api.post(
        `/v1/review/applications/${app.applicationId}/decision`,
        { decision: 'reject', reasons: ['unreadable_id_image'] },
        operator,
      ),
    );
    await upload(app.applicationId, 'id_card');
    conforms(
      'resubmitApplication',
      await api.post(`/v1/applications/${app.applicationId}/resubmission`, undefined, tenant),
    );
    await payIn(api, tenant, openingFee, 'openapi-opening-1');
    conforms(
      'decideApplication',
      await api.post(
        `/v1/review/applications/${app.applicationId}/decision`,
        { decision: 'approve' },
        operator,
      ),
    );
    conforms('listMyNumbers', await api.get('/v1/numbers', tenant));
    conforms('getMyNumber', await api.get(`/v1/numbers/${number}`, tenant));
    conforms('suspendNumber', await api.post(`/v1/numbers/${number}/suspension`, undefined, tenant));
    conforms('resumeNumber', await api.post(`/v1/numbers/${number}/resumption`, undefined, tenant));
    conforms('requestCancellation', await api.post(`/v1/numbers/${number}/cancellation`, undefined, tenant));
    conforms(
      'withdrawCancellation',
      await api.request('DELETE', `/v1/numbers/${number}/cancellation`, { token: tenant }),
    );
  });

  it('hold for the account, calls and reports of the seeded tenant', async () => {
    const mine = conforms('listMyNumbers', await api.get('/v1/numbers', viewer));
    const number: string = mine.items[0].number;
    const topUp = await api.post('/v1/account/top-ups', { amount: 10_000 }, viewer, {
      'Idempotency-Key': 'openapi-e2e-1',
    });
    conforms('createTopUp', topUp);
    conforms('getAccount', await api.get('/v1/account', viewer));
    conforms('listLedger', await api.get('/v1/account/ledger?limit=10', viewer));
    conforms('listCalls', await api.get(`/v1/calls?number=${number}`, viewer));
    conforms('dailyReport', await api.get('/v1/reports/daily', viewer));
  });

  it('hold for recorded prompts', async () => {
    const prompt = conforms('registerPrompt', await api.post('/v1/prompts', { name: 'Welcome' }, viewer));
    conforms('getPrompt', await api.get(`/v1/prompts/${prompt.promptId}`, viewer));
    conforms('listPrompts', await api.get('/v1/prompts', viewer));
  });

  it('covered most routes that answer a body', () => {
    expect(checked.size).toBeGreaterThanOrEqual(20);
  });
});
