/**
 * A draft's submission deadline and a rejection's fix-by date are deadlines, not hints the expiry job
 * enforces when it gets round to it: past them the hold list stops counting the number, so a submission
 * or resubmission accepted after them would put a number back under the tenant's hold past the limit.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { resubmitApplication } from '../../shared/app/numbers/resubmit-application.js';
import { requiredDocuments } from '../../shared/domain/numbers/applications.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import {
  addDocument,
  applyWithDocuments,
  createApplication,
  importNumbers,
  rejectApplication,
  reserveNumber,
  submitApplication,
} from './numbers-support.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'app-deadlines-')));
let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
  useLocalNotifier();
  usePorts({ documents: docs, telephony: new LocalTelephony() });
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

/** A complete draft (every document uploaded), not submitted. */
async function completeDraft(number: string, tenantId: string, at: string) {
  await reserveNumber(number, tenantId, at, config);
  const app = await createApplication(
    tenantId,
    {
      number,
      applicantType: 'enterprise',
      applicantName: `${tenantId} Ltd.`,
      industry: 'retail',
      intendedUsage: 'customer service',
      expectedMonthlyMinutes: 1000,
      planId: 'basic',
    },
    at,
    config,
  );
  for (const kind of requiredDocuments({
    applicantType: 'enterprise',
    industry: 'retail',
    filedByAgent: false,
  })) {
    const doc = await addDocument(
      tenantId,
      app.applicationId,
      { kind, contentType: 'application/pdf', expiresOn: '2031-01-01' },
      at,
    );
    await docs.receive(
      doc.upload.url.split('/').at(-1) as string,
      Buffer.from('%PDF'),
      undefined,
      new Date(at),
    );
  }
  return app;
}

describe('application deadlines', () => {
  it('a draft past its submission deadline cannot be submitted (the hold limit would be passed)', async () => {
    const numbers = ['4007340000', '4007340001', '4007340002', '4007340003', '4007340004', '4007340005'];
    await importNumbers(numbers, iso(0), config);
    const draft = await completeDraft(numbers[0] as string, 'late-drafter', iso(0));
    // 7 days and a minute later the draft no longer counts as a hold: 5 more numbers are held.
    const late = config.draftApplicationDays * DAY + 60_000;
    for (const n of numbers.slice(1)) await reserveNumber(n, 'late-drafter', iso(late), config);
    await expect(
      submitApplication('late-drafter', draft.applicationId, iso(late), config),
    ).rejects.toMatchObject({
      code: 'application_expired',
    });
    // Before the deadline it is submitted as ever.
    await importNumbers(['4007340006'], iso(0), config);
    const onTime = await completeDraft('4007340006', 'punctual', iso(0));
    const submitted = await submitApplication(
      'punctual',
      onTime.applicationId,
      iso(config.draftApplicationDays * DAY - 60_000),
      config,
    );
    expect(submitted.status).toBe('submitted');
  });

  it('a rejection past its fix-by date cannot be resubmitted', async () => {
    await importNumbers(['4007350000'], iso(0), config);
    await reserveNumber('4007350000', 'slow-fixer', iso(0), config);
    const app = await applyWithDocuments('4007350000', 'slow-fixer', iso(0), config, docs, 'enterprise');
    await rejectApplication(app.applicationId, { reasons: ['expired_licence'] }, 'op', iso(DAY), config);
    const late = DAY + config.draftApplicationDays * DAY + 60_000;
    await expect(
      resubmitApplication(numbersDeps({ config }), 'slow-fixer', app.applicationId, {}, iso(late)),
    ).rejects.toMatchObject({ code: 'application_expired' });
  });
});
