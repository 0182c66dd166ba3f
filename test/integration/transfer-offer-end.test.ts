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
 * - Approvals the offer's end leaves unused are withdrawn too (by the end or by the sweep); one accepted with
 *   stays approved, as does every approval when an accepted offer's sweep (written before ends named the
 *   approval used) cannot tell which.
 * - Each withdrawn qualification's notice to the recipient is published once: with the end's commit or the
 *   sweep's, retried by the number-effects job when it fails, never again when the sweep or the job runs again.
 * - A submission or approval checked while the offer was pending cannot commit after its end, even one the
 *   end and its sweep did not see: it would move a qualification nobody can use.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import type { LocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { approveApplication } from '../../shared/app/numbers/approve-application.js';
import { decideTransfer } from '../../shared/app/numbers/decide-transfer.js';
import type { NumbersDeps } from '../../shared/app/numbers/deps.js';
import {
  MAX_WITHDRAWN_PER_COMMIT,
  withdrawQualifications,
} from '../../shared/app/numbers/offer-qualifications.js';
import { requestTransfer } from '../../shared/app/numbers/request-transfer.js';
import { retryNumberEffects } from '../../shared/app/numbers/retry-number-effects.js';
import { submitApplication } from '../../shared/app/numbers/submit-application.js';
import type { ApplicationRecord } from '../../shared/domain/numbers/application.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import type { NumberWrite } from '../../shared/ports/number-store.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { type LocalNotifier, useLocalNotifier } from '../support/local-notifier.js';
import {
  activateNumber,
  addDocument,
  applyWithDocuments,
  createApplication,
  importNumbers,
  payIn,
  qualifyForTransfer,
} from './numbers-support.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const MINUTE = 60_000;
const NUMBERS = [
  '4007555551',
  '4007555552',
  '4007555553',
  '4007555554',
  '4007555555',
  '4007555556',
  '4007555557',
  '4007555558',
  '4007555559',
];
let db: TestDatabase;
let docs: LocalDocuments;
let notifier: LocalNotifier;
let outbox: LocalNotifications;

const store = () => numbersDeps({ config });
const statusOf = async (id: string) => (await store().applications.get(id))?.status;

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'transfer-offer-end-')));
  notifier = useLocalNotifier();
  outbox = notifier.outbox;
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

const WITHDRAWN = 'transfer_qualification_withdrawn';

/** How often each withdrawal notice about `number` was published to the buyer, by dedupe key. */
function withdrawalNotices(number: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of outbox.sent('buyer')) {
    if (m.template !== WITHDRAWN || m.params.number !== number) continue;
    expect(m).toMatchObject({ kind: 'application_decided', params: { number } });
    counts[m.dedupeKey] = (counts[m.dedupeKey] ?? 0) + 1;
  }
  return counts;
}

/** Each of these qualifications' withdrawal notices published exactly once. */
const onceEach = (ids: readonly string[]) =>
  Object.fromEntries(ids.map((id) => [`application#${id}#withdrawn`, 1]));

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
    // With their notices, recorded in the same commit; none was sent.
    const notices = written.flatMap((w) =>
      w.kind === 'effect' && w.effect.payload.kind === 'notify' ? [w.effect.payload.notification] : [],
    );
    expect(notices.map((n) => [n.template, n.dedupeKey]).sort()).toEqual(
      [waiting.applicationId, draft.applicationId]
        .map((id) => [WITHDRAWN, `application#${id}#withdrawn`])
        .sort(),
    );
    expect(withdrawalNotices(number)).toEqual({});
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
    // The buyer is told of each once, by the commit that withdrew it.
    expect(withdrawalNotices(number)).toEqual(onceEach([waiting.applicationId, draft.applicationId]));
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
    expect(withdrawalNotices(number)).toEqual({});
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
    expect(withdrawalNotices(number)).toEqual(onceEach(ids.slice(0, MAX_WITHDRAWN_PER_COMMIT)));
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
    // Every one of them told once, the last two by the job's sweep; a later run tells nobody again.
    expect(withdrawalNotices(number)).toEqual(onceEach(ids));
    await retryNumberEffects(store(), iso(7 * DAY));
    expect(withdrawalNotices(number)).toEqual(onceEach(ids));
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
    // Told of the one withdrawn, not of the one used.
    expect(withdrawalNotices(number)).toEqual(onceEach([other.applicationId]));
  });

  it('accepts with a full commit of withdrawals (within 100 actions), the sweep taking the rest', async () => {
    const number = NUMBERS[8] as string;
    await requestTransfer(store(), number, 'seller', 'buyer', iso(20 * DAY));
    const used = await qualifyForTransfer(number, 'buyer', iso(20 * DAY), config, docs, 'individual');
    const ids: string[] = [];
    for (let i = 1; i <= MAX_WITHDRAWN_PER_COMMIT + 1; i++)
      ids.push((await draftFor(number, iso(20 * DAY + i))).applicationId);
    const base = store();
    const commits: (readonly NumberWrite[])[] = [];
    const watched: NumbersDeps = {
      ...base,
      numbers: {
        ...base.numbers,
        commit: (writes) => {
          commits.push(writes);
          return base.numbers.commit(writes);
        },
      },
    };
    // The engine refuses a transaction of more than 100 actions, as DynamoDB does.
    await decideTransfer(watched, number, 'buyer', 'accept', iso(21 * DAY));
    expect(await getNumberItem(number)).toMatchObject({ status: 'active', tenantId: 'buyer' });
    // The acceptance carried MAX_WITHDRAWN_PER_COMMIT withdrawals and their notices; the sweep the last one.
    const applications = (c: readonly NumberWrite[]) => c.filter((w) => w.kind === 'application').length;
    expect(commits.map(applications)).toEqual([MAX_WITHDRAWN_PER_COMMIT, 1]);
    expect(await statusOf(used.applicationId)).toBe('approved');
    expect((await Promise.all(ids.map(statusOf))).every((s) => s === 'withdrawn')).toBe(true);
    expect(withdrawalNotices(number)).toEqual(onceEach(ids));
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
    expect(withdrawalNotices(number)).toEqual(onceEach([late.applicationId]));
  });

  it('withdraws approvals left unused, by the end and by the sweep, each told once though a notice fails', async () => {
    const number = NUMBERS[5] as string;
    await requestTransfer(store(), number, 'seller', 'buyer', iso(11 * DAY));
    const offerId = (await getNumberItem(number))?.transferOfferId as string;
    const first = await qualifyForTransfer(number, 'buyer', iso(11 * DAY), config, docs, 'individual');
    const second = await qualifyForTransfer(number, 'buyer', iso(11 * DAY + 1), config, docs, 'individual');
    // The index does not show the second approval yet when the offer ends; the sweep after it does.
    const base = store();
    let reads = 0;
    const lagging: NumbersDeps = {
      ...base,
      applications: {
        ...base.applications,
        async transferQualificationsOf(tenantId, n) {
          reads += 1;
          const found = await base.applications.transferQualificationsOf(tenantId, n);
          return reads === 1 ? found.filter((c) => c.applicationId !== second.applicationId) : found;
        },
      },
    };
    // The first notice published (the end's own, for the first approval) fails for now.
    notifier.failNextHandOver(1);
    await decideTransfer(lagging, number, 'buyer', 'decline', iso(12 * DAY));
    expect(await getNumberItem(number)).toMatchObject({ status: 'active', tenantId: 'seller' });
    for (const app of [first, second]) {
      const withdrawn = (await store().applications.get(app.applicationId)) as ApplicationRecord;
      expect(withdrawn.status).toBe('withdrawn');
      expect(withdrawn.events.at(-1)).toEqual({
        at: iso(12 * DAY),
        event: 'withdrawn',
        by: 'system',
        reasons: ['offer_ended'],
        text: 'you declined the transfer offer this application was filed for',
      });
    }
    // The sweep's notice went; the end's own waits for the number-effects job.
    expect(withdrawalNotices(number)).toEqual(onceEach([second.applicationId]));
    const version = (await store().applications.get(first.applicationId))?.version;
    const noticeId = `${first.applicationId}#v${version}#withdrawn`;
    expect(await store().effects.get(noticeId)).toMatchObject({ status: 'pending', attempts: 1 });
    await retryNumberEffects(store(), iso(12 * DAY + config.effectRetryMinutes * MINUTE));
    expect(await store().effects.get(noticeId)).toMatchObject({ status: 'done' });
    expect(withdrawalNotices(number)).toEqual(onceEach([first.applicationId, second.applicationId]));
    // The sweep and the job run again (a duplicate delivery, a later schedule): nobody is told twice.
    await withdrawQualifications(
      store(),
      { tenantId: 'buyer', number, offerId, end: 'declined' },
      iso(13 * DAY),
    );
    await retryNumberEffects(store(), iso(13 * DAY));
    expect(withdrawalNotices(number)).toEqual(onceEach([first.applicationId, second.applicationId]));
    expect(await statusOf(first.applicationId)).toBe('withdrawn');
  });

  it('keeps every approval when an accepted offer’s sweep does not name the approval used', async () => {
    const number = NUMBERS[6] as string;
    await requestTransfer(store(), number, 'seller', 'buyer', iso(14 * DAY));
    const offerId = (await getNumberItem(number))?.transferOfferId as string;
    const approved = await qualifyForTransfer(number, 'buyer', iso(14 * DAY), config, docs, 'individual');
    const other = await qualifyForTransfer(number, 'buyer', iso(14 * DAY + 1), config, docs, 'individual');
    // A sweep written before ends named the approval used: it cannot tell which, so it keeps them all.
    const sweep = { tenantId: 'buyer', number, offerId, end: 'accepted' as const };
    await withdrawQualifications(store(), sweep, iso(15 * DAY));
    expect(await statusOf(approved.applicationId)).toBe('approved');
    expect(await statusOf(other.applicationId)).toBe('approved');
    // Naming it, the other one goes.
    await withdrawQualifications(
      store(),
      { ...sweep, usedApplicationId: approved.applicationId },
      iso(15 * DAY),
    );
    expect(await statusOf(approved.applicationId)).toBe('approved');
    expect(await statusOf(other.applicationId)).toBe('withdrawn');
    expect(withdrawalNotices(number)).toEqual(onceEach([other.applicationId]));
  });

  it('refuses a submission or approval checked before the offer ended that would commit after it', async () => {
    const number = NUMBERS[7] as string;
    // Neither an offer's end nor its sweep ever sees the buyer's qualifications (the index lags throughout).
    const base = store();
    const blind: NumbersDeps = {
      ...base,
      applications: { ...base.applications, transferQualificationsOf: async () => [] },
    };
    /** Deps whose first read of the buyer's holds (between the use case's check and its commit) ends the offer. */
    const endingAt = (at: string) => {
      let ended = false;
      const deps: NumbersDeps = {
        ...base,
        numbers: {
          ...base.numbers,
          async holds(tenantId) {
            if (!ended) {
              ended = true;
              await decideTransfer(blind, number, 'seller', 'decline', at);
            }
            return base.numbers.holds(tenantId);
          },
        },
      };
      return { deps, ended: () => ended };
    };

    // Offer 1: the operator approves the buyer's qualification as the offer ends.
    await requestTransfer(store(), number, 'seller', 'buyer', iso(16 * DAY));
    const underReview = await applyWithDocuments(number, 'buyer', iso(16 * DAY), config, docs, 'individual');
    const approval = endingAt(iso(17 * DAY));
    await expect(
      approveApplication(approval.deps, underReview.applicationId, 'operator-1', iso(17 * DAY)),
    ).rejects.toMatchObject({ kind: 'conflict', code: 'transfer_offer_ended' });
    expect(approval.ended()).toBe(true);
    expect(await getNumberItem(number)).toMatchObject({ status: 'active', tenantId: 'seller' });
    expect(await statusOf(underReview.applicationId)).toBe('submitted');

    // Offer 2: the buyer submits its complete draft as the offer ends.
    await requestTransfer(store(), number, 'seller', 'buyer', iso(18 * DAY));
    const draft = await draftFor(number, iso(18 * DAY));
    for (const kind of ['id_card', 'income_proof'] as const) {
      const doc = await addDocument(
        'buyer',
        draft.applicationId,
        { kind, contentType: 'application/pdf', expiresOn: '2031-01-01' },
        iso(18 * DAY),
      );
      const token = doc.upload.url.split('/').at(-1) as string;
      await docs.receive(token, Buffer.from('%PDF'), undefined, new Date(iso(18 * DAY)));
    }
    const submission = endingAt(iso(19 * DAY));
    await expect(
      submitApplication(submission.deps, 'buyer', draft.applicationId, iso(19 * DAY)),
    ).rejects.toMatchObject({ kind: 'conflict', code: 'transfer_offer_ended' });
    expect(submission.ended()).toBe(true);
    expect(await statusOf(draft.applicationId)).toBe('draft');
    // Nothing told the buyer it could accept an offer that is gone.
    const approvals = outbox.sent('buyer').filter((m) => m.template === 'transfer_qualification_approved');
    expect(approvals.filter((m) => m.params.number === number)).toEqual([]);
  });
});
