/**
 * GET /v1/calls/{contactId}/recording over HTTP on the local runtime: contact records go through the local
 * stream and ingest, then the owner gets a five-minute link to the recording its record named, and every
 * other case (another tenant's call, a call without a recording, an unknown id) is the same 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capability as money } from '../../infra/local/capabilities/money.js';
import { answeredCall, bindNumbers, fixture } from '../integration/ingest-fixtures.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

const RECORDED = '5d8e1a7c-3f0b-4c2e-9a61-7c1d2b3e4f50';
const UNRECORDED = '6e9f2b8d-4a1c-4d3f-8b72-8d2e3c4f5a61';
const LOCATION =
  'connect-recordings-111122223333/connect/hotline/CallRecordings/2026/11/24/5d8e1a7c-3f0b-4c2e-9a61-7c1d2b3e4f50_20261124T02:15_UTC.wav';

let api: LocalApi;
let demo: string;
let other: string;

beforeAll(async () => {
  api = await startLocalApi({ capabilities: [money], clockAt: '2026-11-24T03:10:00Z' });
  demo = await api.token('demo', ['tenant-viewer']);
  other = await api.token('other-tenant', ['tenant-admin']);
  await bindNumbers([{ tenantId: 'demo', number400: '4008123456', accessNumber: '+6531580001' }]);
  // The handbook's call, first without a recording, then its update naming one; and a call never recorded.
  const res = await api.post('/local/contact-records', [
    fixture('ctr-forwarded-call.json'),
    fixture('ctr-forwarded-call-update.json'),
    answeredCall('+6531580001', { contactId: UNRECORDED }),
  ]);
  expect(res.body).toMatchObject({ records: 3, parked: 0 });
});
afterAll(async () => {
  await api?.stop();
});

describe('call recording links', () => {
  it("gives the owner a five-minute link to the recording its contact record's update named", async () => {
    const res = await api.get(`/v1/calls/${RECORDED}/recording`, demo);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ contactId: RECORDED, expiresAt: '2026-11-24T03:15:00.000Z' });
    const url = new URL(res.body.url);
    expect(decodeURIComponent(url.pathname)).toBe(`/${LOCATION}`);
  });

  it("answers 404 for another tenant's call, exactly as for an unknown id", async () => {
    const foreign = await api.get(`/v1/calls/${RECORDED}/recording`, other);
    const unknown = await api.get('/v1/calls/00000000-0000-4000-8000-000000000000/recording', other);
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(foreign.body.error.code).toBe(unknown.body.error.code);
    expect(foreign.body.error.code).toBe('recording_not_found');
    expect(JSON.stringify(foreign.body)).not.toContain('connect-recordings');
  });

  it('answers 404 for a call without a recording, and 400 for an id that is not a contact id', async () => {
    const none = await api.get(`/v1/calls/${UNRECORDED}/recording`, demo);
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('recording_not_found');
    const bad = await api.get('/v1/calls/not%20an%20id/recording', demo);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('contactId');
  });
});
