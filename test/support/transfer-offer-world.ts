/**
 * The e2e world of transfer offers and their qualifications: on the local runtime with the test clock, the
 * demo tenant owns a number and offers it to bravo, who files qualifications for the offer. Registers its own
 * beforeAll/afterAll; a test file may add hooks of its own after it (they run in order).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import {
  individualApplication,
  type LocalApi,
  payIn,
  startLocalApi,
  submitWithDocuments,
} from './local-api.js';

export interface TransferOfferWorld {
  api: LocalApi;
  demo: string;
  bravo: string;
  operator: string;
  /** The demo tenant's number offered to bravo. */
  number: string;
}

/** The world, filled in by beforeAll; `openingKey` is bravo's pay-in idempotency key (one per test file). */
export function useTransferOfferWorld(openingKey: string) {
  const world = {} as TransferOfferWorld;
  beforeAll(async () => {
    world.api = await startLocalApi({ clockAt: '2026-12-01T02:00:00Z' });
    world.demo = await world.api.token('demo', ['tenant-admin']);
    world.bravo = await world.api.token('bravo', ['tenant-admin']);
    world.operator = await world.api.token(undefined, ['operator']);
    await payIn(world.api, world.bravo, 10_000, openingKey);
    world.number = (await world.api.get('/v1/numbers', world.demo)).body.items[0].number as string;
  }, 120_000);
  afterAll(async () => world.api?.stop());

  /** The demo tenant offers its number to bravo: the offer's id. */
  const offer = async () => {
    const res = await world.api.post(
      `/v1/numbers/${world.number}/transfer`,
      { toTenantId: 'bravo' },
      world.demo,
    );
    expect(res.status).toBe(202);
    return res.body.transferOfferId as string;
  };

  /** A new draft qualification of bravo's for the number. */
  const file = async () => {
    const created = await world.api.post(
      '/v1/applications',
      individualApplication(world.number, 'basic', 'Zhao Lei'),
      world.bravo,
    );
    expect(created.status).toBe(201);
    expect(created.body.transfer).toBe(true);
    return created.body.applicationId as string;
  };

  /** A qualification of bravo's filed and submitted with its documents. */
  const submitted = async () => {
    const id = await file();
    await submitWithDocuments(world.api, world.bravo, id);
    return id;
  };

  /** Bravo's view of its application: withdrawn at `at` by the system, because the offer ended as `text` says. */
  const expectWithdrawn = async (id: string, at: string, text: string) => {
    const seen = await world.api.get(`/v1/applications/${id}`, world.bravo);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ status: 'withdrawn', offerCurrent: false });
    expect(seen.body.events.at(-1)).toEqual({
      at,
      event: 'withdrawn',
      by: 'system',
      reasons: ['offer_ended'],
      text,
    });
  };

  return { world, offer, file, submitted, expectWithdrawn };
}
