/**
 * Issue 15 item 4 on the embedded engine: the per-application document limit holds under racing uploads,
 * and a submission freezes each document's stored version and SHA-256, which is all a reviewer sees.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { getApplicationForReview } from '../../shared/app/numbers/get-application-for-review.js';
import { DEFAULT_NUMBERS_CONFIG } from '../../shared/domain/numbers/config.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import {
  addDocument,
  createApplication,
  importNumbers,
  reserveNumber,
  submitApplication,
} from './numbers-support.js';

const T0 = new Date('2026-11-25T02:00:00Z');
const AT = T0.toISOString();
const config = { ...DEFAULT_NUMBERS_CONFIG, maxDocumentsPerApplication: 5 };
let db: TestDatabase;
let docs: LocalDocuments;

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'app-docs-')));
  usePorts({ documents: docs, telephony: new LocalTelephony() });
  useLocalNotifier();
  await importNumbers(['4007300001', '4007300002'], AT, config);
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

async function draft(number: string, tenantId: string) {
  await reserveNumber(number, tenantId, AT, config);
  return createApplication(
    tenantId,
    {
      number,
      applicantType: 'individual',
      applicantName: 'Wang',
      industry: 'retail',
      intendedUsage: 'sales',
      expectedMonthlyMinutes: 10,
      planId: 'basic',
    },
    AT,
    config,
  );
}

const tokenOf = (url: string) => url.split('/').at(-1) as string;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('application documents', () => {
  it('admits exactly the limit when 12 uploads race for 5 places', async () => {
    const app = await draft('4007300001', 'racer');
    const deps = numbersDeps({ config });
    const { addDocument: add } = await import('../../shared/app/numbers/add-document.js');
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        add(deps, 'racer', app.applicationId, { kind: 'id_card', contentType: 'image/png' }, AT),
      ),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(results.length - refused.length).toBe(5);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'too_many_documents' });
    expect(await deps.applications.documents(app.applicationId)).toHaveLength(5);
    expect(await deps.applications.get(app.applicationId)).toMatchObject({ documentCount: 5 });
  });

  it('serves reviewers the version submitted, whatever is uploaded afterwards', async () => {
    const app = await draft('4007300002', 'swapper');
    const uploads = new Map<string, string>();
    for (const kind of ['id_card', 'income_proof'] as const) {
      const doc = await addDocument('swapper', app.applicationId, { kind, contentType: 'image/png' }, AT);
      expect(doc.upload).toMatchObject({ method: 'PUT', contentType: 'image/png' });
      uploads.set(doc.documentId, doc.upload.url);
      expect(
        await docs.receive(tokenOf(doc.upload.url), Buffer.from(`scan:${kind}`), 'image/png', T0),
      ).toEqual({
        status: 200,
      });
    }
    await submitApplication('swapper', app.applicationId, AT, config);
    const stored = await numbersDeps({ config }).applications.get(app.applicationId);
    expect(stored?.frozenDocuments?.map((d) => d.sha256).sort()).toEqual(
      [sha256('scan:id_card'), sha256('scan:income_proof')].sort(),
    );
    // Documents are closed once submitted.
    await expect(
      addDocument('swapper', app.applicationId, { kind: 'id_card', contentType: 'image/png' }, AT),
    ).rejects.toMatchObject({ code: 'application_locked' });
    // The upload URL has not expired yet: a swapped file lands as a new version of the same key.
    for (const url of uploads.values())
      await docs.receive(tokenOf(url), Buffer.from('forged'), 'image/png', T0);

    const review = await getApplicationForReview(numbersDeps({ config }), app.applicationId, T0);
    expect(review.documents).toHaveLength(2);
    for (const d of review.documents) {
      expect('download' in d).toBe(true);
      const read = await docs.read(tokenOf('download' in d ? (d.download?.url ?? '') : ''), T0);
      const original = `scan:${d.kind}`;
      expect(read.body?.toString()).toBe(original);
      expect(d).toMatchObject({ sha256: sha256(original), bytes: original.length, uploaded: true });
    }
  });
});
