/**
 * The end of a transfer offer and the recipient's qualifications still open for it, in the cases the e2e walk
 * (test/e2e/transfer-offer-end.test.ts) does not take:
 * - One commit: the offer's end and the withdrawals commit together or not at all (a crash at the commit
 *   leaves the offer pending and the qualifications open; the retry does both).
 * - Qualifications written before offers had ids are left as they are, and still go no further.
 * - More open qualifications than one commit carries: the rest are withdrawn by the follow-up effect (the
 *   sweep run right after the commit); should the process die there, the number-effects job converges.
 * - A qualification the tenant's applications index does not show yet when the offer ends: the same sweep
 *   withdraws it.
 * - The recipient's hold on the number, kept by its open qualifications, ends with the offer (also when it
 *   accepts, the number being its own).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { approveApplication } from '../../shared/app/numbers/approve-application.js';
import { decideTransfer } from '../../shared/app/numbers/decide-transfer.js';
import type { NumbersDeps } from '../../shared/app/numbers/deps.js';
import { MAX_WITHDRAWN_PER_COMMIT } from '../../shared/app/numbers/offer-qualifications.js';
import { requestTransfer } from '../../shared/app/numbers/request-transfer.js';
import { retryNumberEffects } from '../../shared/app/numbers/retry-number-effects.js';
import { submitApplication } from '../../shared/app/numbers/submit-application.js';
import type { ApplicationRecord } from '../../shared/domain/numbers/application.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import type { NumberWrite } from '../../shared/ports/number-store.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import {
  activateNumber,
  applyWithDocuments,
  createApplication,
  importNumbers,
  payIn,
  qualifyForTransfer,
} from './numbers-support.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const NUMBERS = ['4007555551', '4007555552', '4007555553', '4007555554', '4007555555'];
let db: TestDatabase;
let docs: LocalDocuments;

const store = () => numbersDeps({ config });
const statusOf = async (id: string) => (await store().applications.get(id))?.status;

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'transfer-offer-end-')));
  usePorts({ documents: docs, telephony: new LocalTelephony() });
  await importNumbers(NUMBERS, iso(0), config);
  for (const number of NUMBERS) await activateNumber(number, 'seller', iso(0), config, docs, 'enterprise');
  await payIn('buyer', 10_000, iso(0));
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

const draftFor = async (number: string, at: string) =>
  createApplication(
    'buyer',
    {
      number,
      applicantType: 'individual',
      applicantName: 'Zhao Lei',
      industry: 'retail',
      intendedUsage: 'customer service',
      expectedMonthlyMinutes: 100,
      planId: 'basic',
    },
    at,
    config,
  );

describe('the offer’s end and its withdrawals', () => {
  it('commit together: a crash at the commit changes neither, the retry does both', async () => {
    const number = NUMBERS[0] as string;
    await requestTransfer(store(), number, 'seller', 'buyer', iso(DAY));
    const waiting = await applyWithDocuments(number, 'buyer', iso(DAY), config, docs, 'individual');
    const draft = await draftFor(number, iso(DAY));

    // The commit that ends the offer fails as a crash would (the store answers nothing).
    const base = store();
    const commits: (readonly NumberWrite[])[] = [];
    const crashing: NumbersDeps = {
      ...base,
      numbers: {
        ...base.numbers,
        async commit(writes) {
          commits.push(writes);
          throw new Error('connection reset');
        },
      },
    };
    await expect(decideTransfer(crashing, number, 'seller', 'decline', iso(2 * DAY))).rejects.toThrow(
      'connection reset',
    );
    // It carried the offer's end and both withdrawals, and nothing of it was written.
    expect(commits).toHaveLength(1);
    const written = commits[0] as readonly NumberWrite[];
    expect(written.find((w) => w.kind === 'number')).toMatchObject({ after: { status: 'active' } });
    expect(
      written.flatMap((w) => (w.kind === 'application' ? [w.application.applicationId] : [])).sort(),
    ).toEqual([waiting.applicationId, draft.applicationId].sort());
    expect(await getNumberItem(number)).toMatchObject({ status: 'transfer_pending', transferTo: 'buyer' });
    expect(await statusOf(waiting.applicationId)).toBe('submitted');
    expect(await statusOf(draft.applicationId)).toBe('draft');

    // The owner tries again: the offer ends and both are withdrawn, the buyer's hold on the number dropped.
    await decideTransfer(store(), number, 'seller', 'decline', iso(2 * DAY));
    expect(await getNumberItem(number)).toMatchObject({ status: 'active', tenantId: 'seller' });
    for (const id of [waiting.applicationId, draft.applicationId]) {
      const app = (await store().applications.get(id)) as ApplicationRecord;
      expect(app.status).toBe('withdrawn');
      expect(app.events.at(-1)).toEqual({
        at: iso(2 * DAY),
        event: 'withdrawn',
        by: 'system',
        reasons: ['offer_ended'],
        text: 'the owner withdrew the transfer offer this application was filed for',
      });
    }
    expect((await store().numbers.holds('buyer'))?.holds ?? {}).not.toHaveProperty(number);
    const pending = await store().applications.listPending({ limit: 100 });
    expect(pending.items.map((a) => a.applicationId)).not.toContain(waiting.applicationId);
  });

  it('leaves a qualification without an offer id as it is, and it still goes no further', async () => {
    const number = NUMBERS[1] as string;
    await requestTransfer(store(), number, 'seller', 'buyer', iso(3 * DAY));
    const filed = await applyWithDocuments(number, 'buyer', iso(3 * DAY), config, docs, 'individual');
    const draft = await draftFor(number, iso(3 * DAY));
    // Both in the shape written before qualifications named their offer.
    for (const id of [filed.applicationId, draft.applicationId]) {
      const { transferOfferId: _offer, ...legacy } = (await store().applications.get(
        id,
      )) as ApplicationRecord;
      const replaced = { ...legacy, version: legacy.version + 1 };
      const put: NumberWrite = {
        kind: 'application',
        application: replaced,
        expectedVersion: legacy.version,
      };
      expect(await store().numbers.commit([put])).toBe(true);
    }
    await decideTransfer(store(), number, 'buyer', 'decline', iso(4 * DAY));
    expect(await statusOf(filed.applicationId)).toBe('submitted');
    expect(await statusOf(draft.applicationId)).toBe('draft');
    await expect(
      approveApplication(store(), filed.applicationId, 'operator-1', iso(4 * DAY)),
    ).rejects.toMatchObject({ kind: 'conflict', code: 'transfer_offer_ended' });
    await expect(
      submitApplication(store(), 'buyer', draft.applicationId, iso(4 * DAY)),
    ).rejects.toMatchObject({
      kind: 'conflict',
      code: 'transfer_offer_ended',
    });
  });

  it('withdraws what one commit cannot carry by the follow-up effect, converging after a crash there', async () => {
    const number = NUMBERS[2] as string;
    await requestTransfer(store(), number, 'seller', 'buyer', iso(5 * DAY));
    const total = MAX_WITHDRAWN_PER_COMMIT + 2;
    const ids: string[] = [];
    for (let i = 0; i < total; i++) ids.push((await draftFor(number, iso(5 * DAY + i))).applicationId);

    // The offer's end commits; the sweep right after it fails (the process dies, as far as the sweep goes).
    const base = store();
    let reads = 0;
    const crashing: NumbersDeps = {
      ...base,
      applications: {
        ...base.applications,
        async transferQualificationsOf(tenantId, n) {
          reads += 1;
          if (reads > 1) throw new Error('connection reset');
          return base.applications.transferQualificationsOf(tenantId, n);
        },
      },
    };
    await decideTransfer(crashing, number, 'buyer', 'decline', iso(6 * DAY));
    expect(reads).toBe(2);
    expect(await getNumberItem(number)).toMatchObject({ status: 'active', tenantId: 'seller' });
    // The oldest ones went with the offer's end; the last two wait for the effect.
    const statuses = await Promise.all(ids.map(statusOf));
    expect(statuses.slice(0, MAX_WITHDRAWN_PER_COMMIT).every((s) => s === 'withdrawn')).toBe(true);
    expect(statuses.slice(MAX_WITHDRAWN_PER_COMMIT)).toEqual(['draft', 'draft']);
    const version = String((await getNumberItem(number))?.version).padStart(8, '0');
    const effectId = `${number}#v${version}#qualifications`;
    expect(await store().effects.get(effectId)).toMatchObject({
      status: 'pending',
      attempts: 1,
      payload: { kind: 'withdraw_qualifications', tenantId: 'buyer', number, end: 'declined' },
    });

    // The number-effects job runs an hour later: the rest are withdrawn, dated at the offer's end.
    await retryNumberEffects(store(), iso(6 * DAY + 3_600_000));
    for (const id of ids.slice(MAX_WITHDRAWN_PER_COMMIT)) {
      const app = (await store().applications.get(id)) as ApplicationRecord;
      expect(app.status).toBe('withdrawn');
      expect(app.events.at(-1)).toMatchObject({
        at: iso(6 * DAY),
        by: 'system',
        reasons: ['offer_ended'],
        text: 'you declined the transfer offer this application was filed for',
      });
    }
    expect(await store().effects.get(effectId)).toMatchObject({ status: 'done' });
  });

  it('on acceptance, keeps the approval used, withdraws the others and drops the new owner’s hold', async () => {
    const number = NUMBERS[3] as string;
    await requestTransfer(store(), number, 'seller', 'buyer', iso(7 * DAY));
    const used = await qualifyForTransfer(number, 'buyer', iso(7 * DAY), config, docs, 'individual');
    // Filed after the approval, this one holds the number again until it is decided.
    const other = await applyWithDocuments(number, 'buyer', iso(7 * DAY + 1), config, docs, 'individual');
    expect((await store().numbers.holds('buyer'))?.holds).toHaveProperty(number);
    await decideTransfer(store(), number, 'buyer', 'accept', iso(8 * DAY));
    expect(await getNumberItem(number)).toMatchObject({ status: 'active', tenantId: 'buyer' });
    expect(await statusOf(used.applicationId)).toBe('approved');
    const withdrawn = (await store().applications.get(other.applicationId)) as ApplicationRecord;
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn.events.at(-1)).toMatchObject({
      at: iso(8 * DAY),
      reasons: ['offer_ended'],
      text: 'you accepted the transfer offer with another approved application',
    });
    expect((await store().numbers.holds('buyer'))?.holds ?? {}).not.toHaveProperty(number);
  });

  it('withdraws one the applications index did not show at the offer’s end by the sweep after it', async () => {
    const number = NUMBERS[4] as string;
    await requestTransfer(store(), number, 'seller', 'buyer', iso(9 * DAY));
    const late = await applyWithDocuments(number, 'buyer', iso(9 * DAY), config, docs, 'individual');
    // The index lags the filing: the offer's end finds nothing to withdraw; the sweep after it does.
    const base = store();
    let reads = 0;
    const lagging: NumbersDeps = {
      ...base,
      applications: {
        ...base.applications,
        async transferQualificationsOf(tenantId, n) {
          reads += 1;
          return reads === 1 ? [] : base.applications.transferQualificationsOf(tenantId, n);
        },
      },
    };
    const commits: (readonly NumberWrite[])[] = [];
    const watched: NumbersDeps = {
      ...lagging,
      numbers: {
        ...base.numbers,
        commit: (writes) => {
          commits.push(writes);
          return base.numbers.commit(writes);
        },
      },
    };
    await decideTransfer(watched, number, 'seller', 'decline', iso(10 * DAY));
    expect(await getNumberItem(number)).toMatchObject({ status: 'active', tenantId: 'seller' });
    // The offer's end carried no withdrawal; the sweep committed it after.
    expect(commits.map((c) => c.filter((w) => w.kind === 'application').length)).toEqual([0, 1]);
    const app = (await store().applications.get(late.applicationId)) as ApplicationRecord;
    expect(app.status).toBe('withdrawn');
    expect(app.events.at(-1)).toMatchObject({ at: iso(10 * DAY), by: 'system', reasons: ['offer_ended'] });
    const version = String((await getNumberItem(number))?.version).padStart(8, '0');
    expect(await store().effects.get(`${number}#v${version}#qualifications`)).toMatchObject({
      status: 'done',
    });
    const pending = await store().applications.listPending({ limit: 100 });
    expect(pending.items.map((a) => a.applicationId)).not.toContain(late.applicationId);
    expect((await store().numbers.holds('buyer'))?.holds ?? {}).not.toHaveProperty(number);
  });
});
