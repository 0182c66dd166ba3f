/**
 * The per-tenant prompt cap on the embedded engine: registrations count in the same transaction as the
 * prompt item, so a burst of concurrent registrations never takes a tenant past PROMPTS_PER_TENANT.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRoutingStore } from '../../shared/adapters/dynamo/routing-store.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { deletePrompt } from '../../shared/app/routing/delete-prompt.js';
import { registerPrompt } from '../../shared/app/routing/register-prompt.js';
import { DomainError } from '../../shared/domain/errors.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { localPromptAudio, promptStore, wav } from '../support/prompts.js';

const audio = localPromptAudio();
const deps = { prompts: promptStore, promptAudio: async () => audio, newId: randomUUID };
const AT = '2026-11-25T02:00:00.000Z';
const register = (tenantId: string, name: string) => registerPrompt(deps, { tenantId, name, at: AT });
const codeOf = (outcome: PromiseSettledResult<unknown>) =>
  outcome.status === 'fulfilled' ? 'registered' : (outcome.reason as DomainError).code;

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db.stop());

describe('a tenant registers at most 50 prompts', () => {
  it('the 51st registration is refused 409 prompt_limit_reached, naming the limit and how to free one', async () => {
    for (let i = 0; i < 50; i++) await register('cap-seq', `p${i}`);
    const refused = await register('cap-seq', 'one more').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({
      kind: 'conflict',
      code: 'prompt_limit_reached',
      message:
        'an account may register at most 50 prompts: delete one your routing no longer plays (DELETE /v1/prompts/{promptId}) to register another',
      details: { limit: 50 },
    });
    expect((await promptStore.list('cap-seq', { limit: 100 })).items).toHaveLength(50);
    // Another tenant's slots are its own.
    await expect(register('cap-other', 'first')).resolves.toMatchObject({ name: 'first' });
  });

  it('10 concurrent registrations with 5 slots left: exactly 5 succeed, the tenant ends at 50', async () => {
    for (let i = 0; i < 45; i++) await register('cap-burst', `p${i}`);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => register('cap-burst', `burst ${i}`)),
    );
    const codes = outcomes.map(codeOf);
    expect(codes.filter((c) => c === 'registered')).toHaveLength(5);
    expect(codes.filter((c) => c === 'prompt_limit_reached')).toHaveLength(5);
    expect((await promptStore.list('cap-burst', { limit: 100 })).items).toHaveLength(50);
  });
});

describe('deleting a prompt frees its slot', () => {
  it('at the limit, a deletion lets exactly one more registration in; its audio and Connect prompt are gone', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await register('cap-free', `p${i}`)).promptId);
    await expect(register('cap-free', 'refused')).rejects.toMatchObject({ code: 'prompt_limit_reached' });
    const victim = ids[7] ?? '';
    const key = `prompts/cap-free/${victim}.wav`;
    // Its audio arrived (as the upload form would have stored it).
    await mkdir(dirname(audio.pathOf(key)), { recursive: true });
    await writeFile(audio.pathOf(key), wav(1));
    expect(await audio.readHead(key, 44)).toBeDefined();
    const telephony = new LocalTelephony();
    await telephony.upsertPrompt({
      name: `p400-${victim}`,
      description: 'made by an apply',
      s3Uri: `s3://local-prompts/${key}`,
      revision: 'r1',
    });
    await deletePrompt(
      {
        prompts: promptStore,
        promptAudio: async () => audio,
        routing: new DynamoRoutingStore(),
        numbersOfTenant: async () => [],
        telephony: async () => telephony,
      },
      { tenantId: 'cap-free', promptId: victim },
    );
    expect(telephony.state.prompts).toEqual({});
    expect(telephony.state.writes.at(-1)).toEqual({ op: 'DeletePrompt', name: `p400-${victim}` });
    expect(await audio.readHead(key, 44)).toBeUndefined();
    expect(await promptStore.get('cap-free', victim)).toBeUndefined();

    await expect(register('cap-free', 'in its place')).resolves.toMatchObject({ name: 'in its place' });
    await expect(register('cap-free', 'one too many')).rejects.toMatchObject({
      code: 'prompt_limit_reached',
    });
    expect((await promptStore.list('cap-free', { limit: 100 })).items).toHaveLength(50);
  });
});
