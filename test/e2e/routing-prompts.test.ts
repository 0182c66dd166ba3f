/**
 * Recorded prompts end to end on the local runtime, attacked by the other tenant: a tenant registers a
 * prompt, uploads its audio, plays it in its IVR (apply makes the Connect prompt from its own object); the
 * other tenant can neither read it nor play it, whatever it names (the prompt id, the Connect ARN apply
 * made, an S3 URI under the first tenant's prefix).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingConfigInput } from '../../shared/domain/routing/config.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { wav } from '../support/prompts.js';
import { seedActiveLine } from '../support/seeded-lines.js';
import { ENTERPRISE_INPUT } from '../unit/routing-fixtures.js';

const A_NUMBER = '4008765440';
const A_ACCESS = '+6531589940';
const B_NUMBER = '4008765441';
const B_ACCESS = '+6531589941';
const ACCOUNT = { balance: 100_000, spendDay: '2026-11-25', spendToday: 0, status: 'active' };
/** One second of 8 kHz mono µ-law silence. */
const WAV = wav(1);

let api: LocalApi;
let adminA: string;
let viewerA: string;
let adminB: string;

/** ENTERPRISE_INPUT with its main menu played as `audio` (text kept for callers' fallback). */
const withMenuAudio = (audio: string): RoutingConfigInput => {
  const main = ENTERPRISE_INPUT.menus?.main;
  if (!main) throw new Error('the fixture has a main menu');
  return {
    ...ENTERPRISE_INPUT,
    menus: { ...ENTERPRISE_INPUT.menus, main: { ...main, prompt: { ...main.prompt, audio } } },
  };
};

const upload = (url: string, body: Buffer) =>
  fetch(url.startsWith('http') ? url : `${api.baseUrl}${url}`, {
    method: 'PUT',
    headers: { 'content-type': 'audio/wav' },
    body,
  });

beforeAll(async () => {
  api = await startLocalApi({ seed: false });
  await seedActiveLine({ tenantId: 'prompt-a', number: A_NUMBER, access: A_ACCESS, account: ACCOUNT });
  await seedActiveLine({ tenantId: 'prompt-b', number: B_NUMBER, access: B_ACCESS, account: ACCOUNT });
  adminA = await api.token('prompt-a', ['tenant-admin']);
  viewerA = await api.token('prompt-a', ['tenant-viewer']);
  adminB = await api.token('prompt-b', ['tenant-admin']);
}, 60_000);
afterAll(async () => api?.stop());

describe('recorded prompts belong to the tenant that registered them', () => {
  let promptId = '';
  let promptArn = '';

  it('registers a prompt with an upload form bounded to five minutes of 8 kHz µ-law WAV', async () => {
    const registered = await api.post('/v1/prompts', { name: '欢迎语' }, adminA);
    expect(registered.status).toBe(201);
    promptId = registered.body.promptId;
    expect(promptId).toMatch(/^pr_[0-9a-f]{32}$/);
    expect(registered.body).toMatchObject({
      name: '欢迎语',
      upload: { method: 'PUT', contentType: 'audio/wav', maxBytes: 2_404_096 },
    });
    expect((await api.get(`/v1/prompts/${promptId}`, viewerA)).body).toMatchObject({
      promptId,
      uploaded: false,
    });
    expect((await api.post('/v1/prompts', { name: '   ' }, adminA)).body.error).toMatchObject({
      code: 'invalid_name',
      field: 'name',
    });
    expect((await api.post('/v1/prompts', { name: 'x' }, viewerA)).status).toBe(403);

    // Too big for five minutes of 8 kHz µ-law: refused by the upload itself.
    const tooBig = await upload(registered.body.upload.url, Buffer.alloc(2_404_097, 0xff));
    expect(tooBig.status).toBe(413);
    expect((await upload(registered.body.upload.url, WAV)).status).toBe(200);
    const read = await api.get(`/v1/prompts/${promptId}`, adminA);
    expect(read.body).toMatchObject({ uploaded: true });
    expect(read.body).not.toHaveProperty('problem');
  });

  it('lists the tenant’s own prompts only, a page at a time; a cursor is the caller’s own', async () => {
    const second = await api.post('/v1/prompts', { name: 'second' }, adminA);
    const first = await api.get('/v1/prompts?limit=1', viewerA);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    const rest = await api.get(
      `/v1/prompts?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      viewerA,
    );
    const ids = [first.body.items[0].promptId, rest.body.items[0].promptId];
    expect(ids.sort()).toEqual([promptId, second.body.promptId].sort());
    expect((await api.get('/v1/prompts', adminB)).body).toEqual({ items: [] });
    const stolen = await api.get(`/v1/prompts?cursor=${encodeURIComponent(first.body.nextCursor)}`, adminB);
    expect([stolen.status, stolen.body.error.code]).toEqual([400, 'invalid_cursor']);
  });

  it('another tenant cannot read it: 404, as for a prompt that does not exist', async () => {
    const theirs = await api.get(`/v1/prompts/${promptId}`, adminB);
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('prompt_not_found');
    const none = await api.get('/v1/prompts/pr_00000000000000000000000000000000', adminB);
    expect([none.status, none.body.error.code]).toEqual([404, 'prompt_not_found']);
    expect(theirs.body.error.message).toBe(`no prompt ${promptId} in your account`);
    expect((await api.get('/v1/prompts/not-a-prompt', adminA)).status).toBe(400);
  });

  it('the owner plays it: apply makes a Connect prompt from its own object, the call plays that ARN', async () => {
    expect((await api.put(`/v1/numbers/${A_NUMBER}/routing`, withMenuAudio(promptId), adminA)).status).toBe(
      200,
    );
    const applied = await api.post(`/v1/numbers/${A_NUMBER}/routing/apply`, undefined, adminA);
    expect(applied.body).toMatchObject({ status: 'applied' });
    expect(applied.body.stepsDone).toContain(`prompt:${promptId}`);
    const connect = (await api.get('/local/connect')).body;
    const made = connect.prompts[`p400-${promptId}`];
    expect(made).toMatchObject({ s3Uri: `s3://local-prompts/prompts/prompt-a/${promptId}.wav` });
    promptArn = made.arn;
    expect(promptArn).toMatch(/\/prompt\//);

    const call = await api.post('/local/calls', {
      to: A_NUMBER,
      caller: '+862161234567',
      at: '2026-11-25T02:00:00Z',
      keys: ['1'],
    });
    const menu = call.body.steps.find((s: { type: string }) => s.type === 'GetParticipantInput');
    expect(menu).toMatchObject({ action: 'menu-audio', detail: { prompt: promptArn } });
  });

  it('the other tenant is refused whatever it names: the prompt id, the ARN apply made, an S3 URI under the owner’s prefix', async () => {
    for (const audio of [
      promptId,
      promptArn,
      `s3://local-prompts/prompts/prompt-a/${promptId}.wav`,
      `s3://local-prompts/prompts/prompt-b/../prompt-a/${promptId}.wav`,
      'arn:aws:connect:us-east-1:999999999999:instance/other/prompt/p-9',
    ]) {
      const put = await api.put(`/v1/numbers/${B_NUMBER}/routing`, withMenuAudio(audio), adminB);
      expect(put.status, audio).toBe(400);
      expect(put.body.error).toMatchObject({ code: 'prompt_not_owned', field: 'menus.main.prompt.audio' });
    }
    expect((await api.get(`/v1/numbers/${B_NUMBER}/routing`, adminB)).status).toBe(404);
  });

  it('audio Connect would not play (44.1 kHz PCM) is reported, and fails the apply before Connect is asked', async () => {
    const cd = await api.post('/v1/prompts', { name: 'cd quality' }, adminA);
    expect(
      (await upload(cd.body.upload.url, wav(1, { code: 1, rate: 44_100, bytesPerSample: 2 }))).status,
    ).toBe(200);
    expect((await api.get(`/v1/prompts/${cd.body.promptId}`, adminA)).body).toMatchObject({
      uploaded: true,
      problem: 'it is format 1, 1 channel(s), 44100 Hz: Amazon Connect plays 8 kHz mono µ-law (format 7)',
    });
    expect(
      (await api.put(`/v1/numbers/${A_NUMBER}/routing`, withMenuAudio(cd.body.promptId), adminA)).status,
    ).toBe(200);
    const writes = (await api.get('/local/connect')).body.writes.length;
    const applied = await api.post(`/v1/numbers/${A_NUMBER}/routing/apply`, undefined, adminA);
    expect(applied.body).toMatchObject({ status: 'failed', error: { code: 'prompt_not_playable' } });
    expect((await api.get('/local/connect')).body.writes).toHaveLength(writes);
  });

  it('a prompt whose audio has not arrived fails the apply, naming it, and Connect is not asked', async () => {
    const fresh = await api.post('/v1/prompts', { name: 'after hours' }, adminA);
    const config: RoutingConfigInput = {
      ...withMenuAudio(promptId),
      afterHours: { type: 'message', prompt: { audio: fresh.body.promptId } },
    };
    expect((await api.put(`/v1/numbers/${A_NUMBER}/routing`, config, adminA)).status).toBe(200);
    const writes = (await api.get('/local/connect')).body.writes.length;
    const applied = await api.post(`/v1/numbers/${A_NUMBER}/routing/apply`, undefined, adminA);
    expect(applied.body).toMatchObject({ status: 'failed', error: { code: 'prompt_not_uploaded' } });
    expect((await api.get('/local/connect')).body.writes).toHaveLength(writes);
  });
});

describe('a tenant deletes a prompt its routing no longer plays', () => {
  const del = (id: string, token: string) => api.request('DELETE', `/v1/prompts/${id}`, { token });
  let promptId = '';

  it('another tenant’s prompt is a 404 exactly like an unknown one; a viewer may not delete', async () => {
    promptId = (await api.get('/v1/prompts?limit=100', adminA)).body.items.find(
      (p: { name: string }) => p.name === '欢迎语',
    ).promptId;
    const theirs = await del(promptId, adminB);
    expect([theirs.status, theirs.body.error]).toEqual([
      404,
      { code: 'prompt_not_found', message: `no prompt ${promptId} in your account` },
    ]);
    expect((await del(promptId, viewerA)).status).toBe(403);
    expect((await api.get(`/v1/prompts/${promptId}`, adminA)).status).toBe(200);
  });

  it('is refused 409 prompt_in_use while the number’s configuration, or what was last applied to it, plays it', async () => {
    const configured = await del(promptId, adminA);
    expect(configured.status).toBe(409);
    expect(configured.body.error).toMatchObject({ code: 'prompt_in_use', details: { numbers: [A_NUMBER] } });
    // Stored without it, not yet applied: calls still play its Connect prompt.
    expect((await api.put(`/v1/numbers/${A_NUMBER}/routing`, ENTERPRISE_INPUT, adminA)).status).toBe(200);
    const applied = await del(promptId, adminA);
    expect([applied.status, applied.body.error.code]).toEqual([409, 'prompt_in_use']);
    expect((await api.get('/local/connect')).body.prompts).toHaveProperty(`p400-${promptId}`);
  });

  it('once applied without it: deletes the Connect prompt, the audio and the registration', async () => {
    const applied = await api.post(`/v1/numbers/${A_NUMBER}/routing/apply`, undefined, adminA);
    expect(applied.body).toMatchObject({ status: 'applied' });
    const deleted = await del(promptId, adminA);
    expect(deleted.status).toBe(204);
    const connect = (await api.get('/local/connect')).body;
    expect(connect.prompts).not.toHaveProperty(`p400-${promptId}`);
    expect(connect.writes.at(-1)).toEqual({ op: 'DeletePrompt', name: `p400-${promptId}` });
    expect((await api.get(`/v1/prompts/${promptId}`, adminA)).status).toBe(404);
    expect((await del(promptId, adminA)).status).toBe(404);
    // Playing it again is refused: it is no prompt of the tenant's any more.
    const put = await api.put(`/v1/numbers/${A_NUMBER}/routing`, withMenuAudio(promptId), adminA);
    expect([put.status, put.body.error.code]).toEqual([400, 'prompt_not_owned']);
  });

  it('a prompt never applied is deleted with no Connect call', async () => {
    const fresh = await api.post('/v1/prompts', { name: 'never played' }, adminB);
    const writes = (await api.get('/local/connect')).body.writes.length;
    expect((await del(fresh.body.promptId, adminB)).status).toBe(204);
    expect((await api.get('/local/connect')).body.writes).toHaveLength(writes);
    expect((await api.get('/v1/prompts', adminB)).body).toEqual({ items: [] });
  });
});

describe('a tenant registers at most 50 prompts (an instance’s Connect prompts are shared by every tenant)', () => {
  it('10 concurrent registrations with 5 slots left: 5 are 201, 5 are 409 prompt_limit_reached; deleting one frees a slot', async () => {
    const adminC = await api.token('prompt-c', ['tenant-admin']);
    const ids: string[] = [];
    for (let i = 0; i < 45; i++)
      ids.push((await api.post('/v1/prompts', { name: `p${i}` }, adminC)).body.promptId);
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api.post('/v1/prompts', { name: `burst ${i}` }, adminC)),
    );
    expect(burst.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = burst.filter((r) => r.status === 409);
    expect(refused).toHaveLength(5);
    expect(refused[0]?.body).toEqual({
      error: {
        code: 'prompt_limit_reached',
        message:
          'an account may register at most 50 prompts: delete one your routing no longer plays (DELETE /v1/prompts/{promptId}) to register another',
        details: { limit: 50 },
      },
    });
    const listed = await api.get('/v1/prompts?limit=100', adminC);
    expect(listed.body.items).toHaveLength(50);
    // Other tenants keep their own slots.
    expect((await api.post('/v1/prompts', { name: 'mine' }, adminB)).status).toBe(201);

    expect((await api.request('DELETE', `/v1/prompts/${ids[0]}`, { token: adminC })).status).toBe(204);
    expect((await api.post('/v1/prompts', { name: 'in its place' }, adminC)).status).toBe(201);
    expect((await api.post('/v1/prompts', { name: 'one too many' }, adminC)).status).toBe(409);
  });
});
