/**
 * Approved numbers are activated by the activation worker, off the request path, on the embedded engine
 * with the local Connect: the approval answers with the activation pending; the worker stores the claim
 * BEFORE polling, so a claim still in progress is resumed by the next try and never searched again; a claim
 * that cannot complete is rolled back and the claimed number released (durably: a failed release is retried
 * by the number-effects job); the operator's next approval starts the next generation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoBillingContracts } from '../../shared/adapters/dynamo/billing-contracts.js';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import type { LocalNotifications } from '../../shared/adapters/local/local-notifications.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { activateNumber } from '../../shared/app/numbers/activate-number.js';
import type { ActivationMessage } from '../../shared/app/numbers/activation.js';
import { getApplication } from '../../shared/app/numbers/get-application.js';
import { retryNumberEffects } from '../../shared/app/numbers/retry-number-effects.js';
import { monthlyCharges } from '../../shared/domain/billing/charges.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import type { SendOptions, WorkQueue } from '../../shared/ports/work-queue.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { useWorkQueue } from '../../shared/runtime/work-queues.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import {
  approveApplication,
  importNumbers,
  openingFeeOf,
  payIn,
  submitNumberApplication,
} from './numbers-support.js';

const T0 = Date.parse('2026-11-25T02:00:00.000Z');
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const RETRIES = { maxTries: 3, backoffBaseSeconds: 30 };

let db: TestDatabase;
let docs: LocalDocuments;
let telephony: LocalTelephony;
let outbox: LocalNotifications;
/** The activation queue, held: the test plays the worker, one message at a time. */
let sent: { message: ActivationMessage; delaySeconds: number }[] = [];
const held: WorkQueue<ActivationMessage> = {
  async send(message, options: SendOptions = {}) {
    sent.push({ message, delaySeconds: options.delaySeconds ?? 0 });
  },
};
const deps = () => numbersDeps({ config });
/** The worker takes the next message, at `minutes` after T0. */
async function work(minutes: number) {
  const next = sent.shift();
  if (!next) throw new Error('no activation message waiting');
  return activateNumber(deps(), next.message, iso(minutes), RETRIES);
}
let counter = 0;
async function approved(tenant: string) {
  const number = `40088${String(++counter).padStart(5, '0')}`;
  await importNumbers([number], iso(0), config);
  const app = await submitNumberApplication(number, tenant, iso(0), config, docs);
  // Approval needs the opening fee paid in first.
  await payIn(tenant, await openingFeeOf(number, config), iso(0));
  const answer = await approveApplication(app.applicationId, 'operator-1', iso(1), config);
  return { number, app, answer };
}
/** The tenant's view of its application, with the activation approved ones carry. */
const applicationOf = async (tenant: string, id: string) =>
  (await getApplication(deps(), tenant, id)) as { activation?: Record<string, unknown> };
const claimsOf = (number: string) => telephony.state.claims.filter((c) => c.number400 === number);

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'activation-docs-')));
});
afterAll(async () => {
  resetPorts();
  useWorkQueue('numberActivations', undefined);
  await db.stop();
});
beforeEach(() => {
  telephony = new LocalTelephony();
  outbox = useLocalNotifier().outbox;
  usePorts({ documents: docs, telephony });
  useWorkQueue('numberActivations', held as WorkQueue<unknown>);
  sent = [];
});

describe('number activation', () => {
  it('answers the approval with the activation pending, then the worker activates', async () => {
    const { number, app, answer } = await approved('acme');
    expect(answer).toMatchObject({
      status: 'approved',
      numberStatus: 'activating',
      activation: { status: 'activating', step: 'queued', tries: 0, generation: 0 },
    });
    expect((await getNumberItem(number))?.status).toBe('activating');
    expect((await applicationOf('acme', app.applicationId)).activation).toMatchObject({
      status: 'activating',
      step: 'queued',
    });
    expect(sent).toEqual([
      {
        message: { type: 'number.activate', number, applicationId: app.applicationId, generation: 0 },
        delaySeconds: 0,
      },
    ]);
    expect(claimsOf(number)).toEqual([]);

    expect(await work(2)).toMatchObject({ outcome: 'active', number });
    const item = await getNumberItem(number);
    const [claim] = claimsOf(number);
    expect(item).toMatchObject({
      status: 'active',
      accessNumber: claim?.accessNumber,
      phoneNumberId: claim?.phoneNumberId,
    });
    expect(telephony.state.flowBindings[claim?.phoneNumberId as string]).toBe('local-generic-flow');
    expect((await applicationOf('acme', app.applicationId)).activation).toMatchObject({
      status: 'active',
      step: 'done',
      accessNumber: claim?.accessNumber,
      updatedAt: iso(2),
    });
    expect(outbox.sent('acme').filter((m) => m.kind === 'application_decided')).toHaveLength(1);
    // Approving again changes nothing and sends nothing.
    expect(await approveApplication(app.applicationId, 'operator-1', iso(3), config)).toMatchObject({
      numberStatus: 'active',
    });
    expect(sent).toEqual([]);
  });

  it('stores the claim before polling: a claim in progress is resumed, never searched again', async () => {
    const { number, app } = await approved('beta');
    telephony.claimsPendingFor = 2;
    expect(await work(2)).toMatchObject({ outcome: 'retry', tries: 1 });
    const [claim] = claimsOf(number);
    // Connect's PhoneNumberId was stored before the adapter polled.
    const stored = await deps().activations.get(number);
    expect(stored).toMatchObject({
      step: 'claiming',
      tries: 1,
      claim: { attempt: 0, phoneNumber: claim?.accessNumber, phoneNumberId: claim?.phoneNumberId },
    });
    expect(sent).toEqual([
      {
        message: { type: 'number.activate', number, applicationId: app.applicationId, generation: 0 },
        delaySeconds: 30,
      },
    ]);
    // An operator's repeated approval nudges it (the same message again), harmlessly.
    await approveApplication(app.applicationId, 'operator-1', iso(3), config);
    expect(sent.map((s) => s.delaySeconds)).toEqual([30, 0]);
    expect(await work(4)).toMatchObject({ outcome: 'retry', tries: 2 });
    expect(sent.map((s) => s.delaySeconds)).toEqual([0, 60]);
    expect(await work(5)).toMatchObject({ outcome: 'active' });
    expect(await work(6)).toMatchObject({ outcome: 'skipped' });
    expect(claimsOf(number)).toHaveLength(1);
    expect(telephony.state.writes.filter((w) => w.op === 'ClaimPhoneNumber')).toHaveLength(1);
    expect((await getNumberItem(number))?.phoneNumberId).toBe(claim?.phoneNumberId);
  });

  it('rolls back a claim that never completes: the number released, never leaked; a new approval retries', async () => {
    const { number, app } = await approved('gamma');
    telephony.claimsPendingFor = 3;
    // The release fails at first: it stays a pending effect for the number-effects job.
    telephony.failNext('releaseAccessNumber', 'ServiceUnavailableException', 1);
    expect((await work(2)).outcome).toBe('retry');
    expect((await work(3)).outcome).toBe('retry');
    expect(await work(5)).toMatchObject({ outcome: 'rolled_back', tries: 3 });
    expect(sent).toEqual([]);
    const [claim] = claimsOf(number);
    expect(claim?.released).toBe(false);
    expect(await getNumberItem(number)).toMatchObject({ status: 'approved' });
    expect((await getNumberItem(number))?.accessNumber).toBeUndefined();
    expect((await applicationOf('gamma', app.applicationId)).activation).toMatchObject({
      status: 'failed',
      tries: 3,
    });
    expect(outbox.sent('gamma').map((m) => m.text)).toEqual(
      expect.arrayContaining([expect.stringContaining('activation failed')]),
    );
    // The number-effects job retries the release until Connect confirms it.
    const retried = await retryNumberEffects(deps(), iso(60 * 24));
    expect(retried.processed).toBeGreaterThanOrEqual(1);
    expect(claimsOf(number)[0]?.released).toBe(true);

    // The operator approves again: generation 1 claims afresh, with a token of its own.
    const again = await approveApplication(app.applicationId, 'operator-1', iso(60 * 25), config);
    expect(again).toMatchObject({ numberStatus: 'activating', activation: { generation: 1, tries: 0 } });
    expect(sent).toEqual([
      {
        message: { type: 'number.activate', number, applicationId: app.applicationId, generation: 1 },
        delaySeconds: 0,
      },
    ]);
    expect(await work(60 * 26)).toMatchObject({ outcome: 'active', generation: 1 });
    const claims = claimsOf(number);
    expect(claims).toHaveLength(2);
    expect(claims[1]?.idempotencyToken).toBe(`${app.applicationId}#g1`);
    expect(await getNumberItem(number)).toMatchObject({
      status: 'active',
      phoneNumberId: claims[1]?.phoneNumberId,
    });
  });

  it('starts service, and rent, on the day the number goes active, not on its approval', async () => {
    // Approved on 25 November (T0), rolled back, approved again and active on 3 December (Shanghai).
    const { number, app } = await approved('epsilon');
    telephony.failClaims = true;
    expect(await work(2)).toMatchObject({ outcome: 'rolled_back' });
    const billable = async () =>
      (await dynamoBillingContracts.all(config.timeZone)).find((c) => c.number === number);
    // Approved but never active: nothing for billing to charge, whatever month it runs for.
    expect(await billable()).toBeUndefined();
    telephony.failClaims = false;
    const december3 = (Date.parse('2026-12-03T01:00:00.000Z') - T0) / 60_000;
    await approveApplication(app.applicationId, 'operator-1', iso(december3), config);
    expect(await work(december3 + 1)).toMatchObject({ outcome: 'active' });
    const contract = await billable();
    expect(contract).toMatchObject({
      serviceFrom: '2026-12-03',
      termStart: '2026-11-25',
      monthlyRent: 8_800,
    });
    // November: nothing. December: 29 of 31 days of 88.00 yuan = 82.32 (8,800 × 29 / 31 = 8,232.26).
    if (!contract) throw new Error('no billable contract');
    const rentOf = (month: string) =>
      monthlyCharges({ contract, month, incidents: [] }).filter((c) => c.kind === 'monthly_rent');
    expect(rentOf('2026-11')).toEqual([]);
    expect(rentOf('2026-12')).toMatchObject([
      { amount: -8_232, description: 'Monthly rent 2026-12, 29 of 31 days' },
    ]);
  });

  it('rolls back at once when Connect refuses every claim, with nothing to release', async () => {
    const { number } = await approved('delta');
    telephony.failClaims = true;
    expect(await work(2)).toMatchObject({ outcome: 'rolled_back', tries: 1 });
    expect(await getNumberItem(number)).toMatchObject({ status: 'approved' });
    expect(telephony.state.writes.filter((w) => w.op === 'ReleasePhoneNumber')).toEqual([]);
  });
});
