/**
 * Transfer qualifications count for their own offer, in the cases the e2e walk
 * (test/e2e/transfer-offers.test.ts) does not take:
 * - Qualifications and offers written before offers had ids (no `transferOfferId` on the application, no
 *   offer id or instant on the number), stored in their old shape through the store. Such a qualification
 *   counts only if it was created strictly after the current offer was made; otherwise the recipient needs a
 *   new review. An old offer's instant is its number's `updatedAt` (never earlier than the offer).
 * - A number transferred away and back, then offered again to the tenant that qualified the first time.
 * - An offer withdrawn and made again while an acceptance is checking the qualification.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as decideTransfer } from '../../functions/api/numbers/decide-transfer.js';
import { handler as getNumber } from '../../functions/api/numbers/get-mine.js';
import { handler as requestTransfer } from '../../functions/api/numbers/request-transfer.js';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { decideTransfer as decideTransferCase } from '../../shared/app/numbers/decide-transfer.js';
import type { NumbersDeps } from '../../shared/app/numbers/deps.js';
import { requestTransfer as requestTransferCase } from '../../shared/app/numbers/request-transfer.js';
import type { ApplicationRecord } from '../../shared/domain/numbers/application.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import type { NumberRecord } from '../../shared/domain/numbers/number.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import type { EventOptions } from '../support/api-events.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import {
  activateNumber,
  callApi,
  type Handler,
  importNumbers,
  payIn,
  qualifyForTransfer,
} from './numbers-support.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
let db: TestDatabase;
let docs: LocalDocuments;

const as = (tenantId: string, h: Handler, options: EventOptions = {}) =>
  callApi(h, { tenantId, roles: ['tenant-admin'], at: new Date(T0), ...options });
const store = () => numbersDeps({ config });

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'transfer-legacy-')));
  usePorts({ documents: docs, telephony: new LocalTelephony() });
  await importNumbers(['4007111111', '4007222222', '4007333333', '4007444444'], iso(0), config);
  for (const number of ['4007111111', '4007222222', '4007333333', '4007444444'])
    await activateNumber(number, 'seller', iso(0), config, docs, 'enterprise');
  await payIn('buyer', 10_000, iso(0));
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

/**
 * An approved qualification in the shape written before offers had ids: `from`'s record without its offer
 * id, under a new id, created and decided at `at`.
 */
async function storeLegacyQualification(from: ApplicationRecord, suffix: string, at: string) {
  const { transferOfferId: _offer, ...old } = from;
  const legacy: ApplicationRecord = {
    ...old,
    applicationId: `app_00000000-0000-4000-8000-${suffix.padStart(12, '0')}`,
    createdAt: at,
    submittedAt: at,
    decidedAt: at,
    events: [
      { at, event: 'created', by: from.tenantId },
      { at, event: 'submitted', by: from.tenantId },
      { at, event: 'approved', by: 'operator-1' },
    ],
    version: 3,
  };
  expect(await store().numbers.commit([{ kind: 'application', application: legacy }])).toBe(true);
  expect(await store().applications.get(legacy.applicationId)).not.toHaveProperty('transferOfferId');
  return legacy;
}

const accept = (number: string, at: number, body: Record<string, unknown> = {}) =>
  as('buyer', decideTransfer, {
    path: { number },
    body: { decision: 'accept', ...body },
    at: new Date(T0 + at),
  });

describe('qualifications written before offers had ids', () => {
  it('count only when created after the current offer was made', async () => {
    const number = '4007111111';
    const path = { number };
    // Offer 1; the buyer qualifies; the same approval, stored in the old shape, is what a qualification of
    // an earlier offer looks like.
    const first = await as('seller', requestTransfer, {
      path,
      body: { toTenantId: 'buyer' },
      at: new Date(T0 + DAY),
    });
    expect(first.status).toBe(202);
    const approved = await qualifyForTransfer(number, 'buyer', iso(DAY), config, docs, 'individual');
    expect(approved.transferOfferId).toBe(first.body.transferOfferId);
    const before = await storeLegacyQualification(approved as ApplicationRecord, '1', iso(DAY + 60_000));
    // Offer 1 ends (the buyer declines it) and offer 2 is made a day later.
    const declined = await as('buyer', decideTransfer, {
      path,
      body: { decision: 'decline' },
      at: new Date(T0 + 2 * DAY),
    });
    expect(declined.status).toBe(200);
    const second = await as('seller', requestTransfer, {
      path,
      body: { toTenantId: 'buyer' },
      at: new Date(T0 + 3 * DAY),
    });
    expect(second.status).toBe(202);

    // Neither the offer-1 approval nor the legacy one created before offer 2 qualifies.
    const refused = await accept(number, 3 * DAY + 1000);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'qualification_required',
      field: 'qualificationApplicationId',
    });
    const named = await accept(number, 3 * DAY + 1000, { qualificationApplicationId: before.applicationId });
    expect(named.body.error).toMatchObject({ code: 'qualification_not_for_this_transfer' });
    // Created at the very instant of the offer: it cannot be told from the end of an earlier one.
    const same = await storeLegacyQualification(approved as ApplicationRecord, '2', iso(3 * DAY));
    expect(
      (await accept(number, 3 * DAY + 1000, { qualificationApplicationId: same.applicationId })).body.error,
    ).toMatchObject({ code: 'qualification_not_for_this_transfer' });
    expect(await getNumberItem(number)).toMatchObject({ status: 'transfer_pending', tenantId: 'seller' });

    // One created after offer 2 was made belongs to it, and the buyer accepts with it.
    const after = await storeLegacyQualification(approved as ApplicationRecord, '3', iso(3 * DAY + 1));
    const accepted = await accept(number, 4 * DAY);
    expect(accepted.status).toBe(200);
    expect(await getNumberItem(number)).toMatchObject({
      status: 'active',
      tenantId: 'buyer',
      restrictions: { noMultiLevelTransfer: true, recordingAnnouncementRequired: true },
    });
    const contract = await store().numbers.contract(
      number,
      (await getNumberItem(number))?.contractId as string,
    );
    expect(contract).toMatchObject({ tenantId: 'buyer', qualificationApplicationId: after.applicationId });
    const former = await as('seller', getNumber, { path, at: new Date(T0 + 4 * DAY) });
    expect(former.body).toMatchObject({ status: 'former', tenure: [{ to: iso(4 * DAY) }] });
  });

  it('an offer made before offers had ids takes its number’s last update as its instant', async () => {
    const number = '4007222222';
    // An offer in the old shape: recipient only, no id or instant; the number last changed at T0 + 10 days.
    const active = (await getNumberItem(number)) as NumberRecord;
    const offered: NumberRecord = {
      ...active,
      status: 'transfer_pending',
      transferTo: 'buyer',
      version: active.version + 1,
      updatedAt: iso(10 * DAY),
    };
    expect(
      await store().numbers.commit([
        {
          kind: 'number',
          before: active,
          after: offered,
          history: {
            at: iso(10 * DAY),
            from: 'active',
            to: 'transfer_pending',
            command: 'request_transfer',
            actor: 'seller',
            tenantId: 'seller',
          },
        },
      ]),
    ).toBe(true);
    // A qualification filed under this offer carries no offer id (the offer has none) and is judged by
    // its instant: created after the offer, it counts.
    const filed = await qualifyForTransfer(number, 'buyer', iso(10 * DAY + 1), config, docs, 'enterprise');
    expect(filed).not.toHaveProperty('transferOfferId');
    // A legacy one created before the offer does not.
    const earlier = await storeLegacyQualification(filed as ApplicationRecord, '4', iso(9 * DAY));
    const stale = await accept(number, 11 * DAY, { qualificationApplicationId: earlier.applicationId });
    expect(stale.body.error).toMatchObject({ code: 'qualification_not_for_this_transfer' });
    const accepted = await accept(number, 11 * DAY);
    expect(accepted.status).toBe(200);
    const contract = await store().numbers.contract(
      number,
      (await getNumberItem(number))?.contractId as string,
    );
    expect(contract).toMatchObject({ tenantId: 'buyer', qualificationApplicationId: filed.applicationId });
  });
});

describe('a number that comes back', () => {
  it('needs a new review when it is offered again to a tenant that held it before', async () => {
    const number = '4007444444';
    const give = async (
      from: string,
      to: string,
      day: number,
      applicantType: 'enterprise' | 'individual',
    ) => {
      await requestTransferCase(store(), number, from, to, iso(day * DAY));
      await qualifyForTransfer(number, to, iso(day * DAY), config, docs, applicantType);
      const accepted = await as(to, decideTransfer, {
        path: { number },
        body: { decision: 'accept' },
        at: new Date(T0 + day * DAY + 1000),
      });
      expect(accepted.status).toBe(200);
    };
    // Seller → buyer (the buyer qualified for that offer), then buyer → seller.
    await give('seller', 'buyer', 1, 'individual');
    await give('buyer', 'seller', 2, 'enterprise');
    // The seller offers it to the buyer again: the buyer's approval from the first offer counts for nothing.
    await requestTransferCase(store(), number, 'seller', 'buyer', iso(3 * DAY));
    const refused = await accept(number, 3 * DAY + 1000);
    expect(refused.body.error).toMatchObject({ code: 'qualification_required' });
    expect(await getNumberItem(number)).toMatchObject({ status: 'transfer_pending', tenantId: 'seller' });
    const requalified = await qualifyForTransfer(number, 'buyer', iso(4 * DAY), config, docs, 'enterprise');
    expect((await accept(number, 4 * DAY + 1000)).status).toBe(200);
    const contract = await store().numbers.contract(
      number,
      (await getNumberItem(number))?.contractId as string,
    );
    expect(contract).toMatchObject({
      tenantId: 'buyer',
      qualificationApplicationId: requalified.applicationId,
    });
  });
});

describe('an offer replaced during an acceptance', () => {
  it('refuses the acceptance whose qualification was checked against the earlier offer', async () => {
    const number = '4007333333';
    await requestTransferCase(store(), number, 'seller', 'buyer', iso(5 * DAY));
    const qualified = await qualifyForTransfer(number, 'buyer', iso(5 * DAY), config, docs, 'individual');
    // Once the acceptance has checked the buyer's qualification (it reads the old contract next), the seller
    // withdraws the offer and makes another.
    const base = store();
    let raced = false;
    const racing: NumbersDeps = {
      ...base,
      numbers: {
        ...base.numbers,
        async contract(n, contractId) {
          if (!raced) {
            raced = true;
            await decideTransferCase(base, number, 'seller', 'decline', iso(6 * DAY));
            await requestTransferCase(base, number, 'seller', 'buyer', iso(6 * DAY));
          }
          return base.numbers.contract(n, contractId);
        },
      },
    };
    await expect(
      decideTransferCase(racing, number, 'buyer', 'accept', iso(6 * DAY), {
        qualificationApplicationId: qualified.applicationId,
      }),
    ).rejects.toMatchObject({ kind: 'conflict', code: 'concurrent_update' });
    expect(raced).toBe(true);
    expect(await getNumberItem(number)).toMatchObject({ status: 'transfer_pending', tenantId: 'seller' });
    // The withdrawn offer took the approval with it; read again, the offer is the new one and the
    // qualification is not for it.
    expect((await store().applications.get(qualified.applicationId))?.status).toBe('withdrawn');
    const again = await accept(number, 6 * DAY, { qualificationApplicationId: qualified.applicationId });
    expect(again.body.error).toMatchObject({ code: 'qualification_not_for_this_transfer' });
  });
});
