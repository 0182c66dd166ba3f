/**
 * Numbers in the local runtime: the documents port on disk (uploads go to PUT /local/documents/{token},
 * the URL a "presigned" upload answers), and a realistic seeded inventory: every segment, a few thousand
 * numbers with vanity ones of each tier. Seeding is idempotent (imports never overwrite).
 *   PUT  /local/documents/{token}   store an upload made to a URL the documents port issued
 *   GET  /local/documents/{token}   read a file through a download URL the port issued (base64 in JSON)
 *   GET  /local/documents           the stored document keys (never their contents)
 *   POST /local/numbers/import      { numbers: [...] } the operator import without a token (demo data)
 *   GET  /local/numbers/activations the activation queue: messages sent (with their delays), dead letters
 * Approvals' activations go through an in-process queue to the activation worker's own handler, so an
 * approval on `npm start` has an active number by the time its 202 answers.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  type InProcessWorkQueue,
  inProcessWorkQueue,
  type QueueWorkerHandler,
} from '../../../shared/adapters/local/in-process-work-queue.js';
import { createLocalDocuments, type LocalDocuments } from '../../../shared/adapters/local/local-documents.js';
import { requiredDocuments } from '../../../shared/domain/numbers/applications.js';
import { classify } from '../../../shared/domain/numbers/classifier.js';
import { numbersConfig } from '../../../shared/domain/numbers/config.js';
import { demoInventory } from '../../../shared/domain/numbers/seed-inventory.js';
import {
  addDocument,
  approveApplication,
  createApplication,
  importNumbers,
  listMyNumbers,
  numbersDeps,
  reserveNumber,
  seedNumbers,
  submitApplication,
} from '../../../shared/runtime/numbers.js';
import { usePorts } from '../../../shared/runtime/ports.js';
import { useWorkQueue } from '../../../shared/runtime/work-queues.js';
import { NUMBER_FUNCTIONS } from '../../catalogue/numbers.js';
import type { LocalCapability } from '../capability.js';

/** Numbers per segment in the demo inventory (4 segments). */
export const DEMO_NUMBERS_PER_SEGMENT = 750;
export const DEMO_TENANT = 'demo';
export const DEMO_OPERATOR = 'operator';

let documents: LocalDocuments | undefined;
let activations: InProcessWorkQueue<unknown> | undefined;

export function localDocuments(): LocalDocuments {
  if (!documents) throw new Error('the numbers capability is not set up');
  return documents;
}

/**
 * The demo tenant gets one active number, walked through the real flow (hold, application, documents,
 * approval, Connect binding). A standard-tier number: its opening fee is exactly the first top-up, so the
 * demo balance is unchanged. Skipped when the demo tenant already has numbers (a restart on disk).
 */
async function seedDemoNumber(inventory: readonly string[], at: string): Promise<void> {
  const config = numbersConfig();
  const existing = await listMyNumbers(DEMO_TENANT, 1, undefined, at);
  if (existing.items.length > 0) return;
  const number = inventory.find((n) => n.startsWith('4008') && classify(n, config).tier === 'standard');
  if (!number) return;
  const item = await numbersDeps().numbers.get(number);
  if (item?.status !== 'available') return;
  await reserveNumber(number, DEMO_TENANT, at);
  const app = await createApplication(
    DEMO_TENANT,
    {
      number,
      applicantType: 'enterprise',
      applicantName: 'Demo Trading (Shanghai) Co., Ltd.',
      industry: 'ecommerce',
      intendedUsage: 'Customer service and order enquiries',
      expectedMonthlyMinutes: 2000,
      planId: 'basic',
    },
    at,
  );
  for (const kind of requiredDocuments({
    applicantType: 'enterprise',
    industry: 'ecommerce',
    filedByAgent: false,
  })) {
    const doc = await addDocument(
      DEMO_TENANT,
      app.applicationId,
      { kind, contentType: 'application/pdf', expiresOn: '2035-12-31' },
      at,
    );
    await localDocuments().receive(
      doc.upload.url.split('/').at(-1) ?? '',
      Buffer.from('%PDF-1.7 demo'),
      undefined,
      new Date(at),
    );
  }
  await submitApplication(DEMO_TENANT, app.applicationId, at);
  await approveApplication(app.applicationId, DEMO_OPERATOR, at);
}

async function listFiles(dir: string, root = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // The documents port keeps each upload's versions beside the key (`<key>.versions/`, `<key>.version`).
    if (entry.name.endsWith('.versions') || entry.name.endsWith('.version')) continue;
    if (entry.isDirectory()) files.push(...(await listFiles(path, root)));
    else files.push(relative(root, path));
  }
  return files.sort();
}

export const capability: LocalCapability = {
  name: 'numbers',
  async setup(runtime) {
    documents = createLocalDocuments(runtime.dataDir);
    // Locally the prompts bucket is this same folder (keys under prompts/<tenant>/), uploaded through the same
    // PUT /local/documents/{token}; S3 URIs name a bucket that exists nowhere but in the local Connect.
    const promptAudio = { ...documents, s3Uri: (key: string) => `s3://local-prompts/${key}` };
    usePorts({ documents, promptAudio });
    const worker = NUMBER_FUNCTIONS.find((f) => f.id === 'numberActivationWorker');
    if (!worker) throw new Error('the number activation worker is missing from the catalogue');
    activations = inProcessWorkQueue(
      'number-activations',
      () => runtime.loadHandler(worker.entry) as Promise<QueueWorkerHandler>,
      runtime.lambdaContext(worker.id),
    );
    useWorkQueue('numberActivations', activations);
  },
  async seed(runtime) {
    const inventory = demoInventory(DEMO_NUMBERS_PER_SEGMENT);
    const at = runtime.clock.now().toISOString();
    await seedNumbers(inventory, at);
    await seedDemoNumber(inventory, at);
  },
  routes: [
    {
      method: 'GET',
      path: '/local/numbers/activations',
      handle: async () => ({
        status: 200,
        body: {
          stats: activations?.stats ?? null,
          sent: activations?.sent ?? [],
          deadLetters: activations?.deadLetters ?? [],
        },
      }),
    },
    {
      method: 'PUT',
      path: '/local/documents/{token}',
      rawBody: true,
      handle: async ({ params, rawBody, body }, runtime) => {
        const bytes = rawBody ?? Buffer.from(body === undefined ? '' : JSON.stringify(body));
        const result = await localDocuments().receive(
          params.token ?? '',
          bytes,
          undefined,
          runtime.clock.now(),
        );
        return result.status === 200
          ? { status: 200, body: { stored: true, bytes: bytes.length } }
          : { status: result.status, body: { error: { code: result.code, message: 'upload refused' } } };
      },
    },
    {
      method: 'GET',
      path: '/local/documents/{token}',
      handle: async ({ params }, runtime) => {
        // Control routes answer JSON, so the file comes back base64-encoded.
        const result = await localDocuments().read(params.token ?? '', runtime.clock.now());
        return result.status === 200
          ? { status: 200, body: { contentBase64: result.body?.toString('base64') } }
          : { status: result.status, body: { error: { code: result.code, message: 'download refused' } } };
      },
    },
    {
      method: 'GET',
      path: '/local/documents',
      handle: async (_request, runtime) => ({
        status: 200,
        body: { keys: await listFiles(join(runtime.dataDir, 'documents')) },
      }),
    },
    {
      method: 'POST',
      path: '/local/numbers/import',
      handle: async ({ body }, runtime) => {
        const numbers = (body as { numbers?: unknown } | undefined)?.numbers;
        if (!Array.isArray(numbers) || !numbers.every((n) => typeof n === 'string')) {
          return {
            status: 400,
            body: {
              error: { code: 'invalid_input', message: 'numbers: a list of strings', field: 'numbers' },
            },
          };
        }
        try {
          return {
            status: 200,
            body: await importNumbers(numbers, runtime.clock.now().toISOString()),
          };
        } catch (error) {
          const e = error as { code?: string; message: string; details?: unknown };
          return {
            status: 400,
            body: { error: { code: e.code ?? 'invalid_input', message: e.message, details: e.details } },
          };
        }
      },
    },
  ],
};
