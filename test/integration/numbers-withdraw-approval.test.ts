/**
 * A tenant withdraws an approved application whose number never went into service (its activation rolled
 * back), on the embedded engine with the local Connect: in one commit the fee comes back once, the contract
 * is voided (billing never sees it), the number is back in the pool and the application withdrawn; refused
 * while activating or once in service; a late activation message activates nothing; a crash at any point
 * converges on retry without giving the fee back twice.
 *
 * Figures by hand: every number here is `4007NN1234` (NN not ending in 0), a gold number by the default
 * classifier (a run of four at the end): selection fee 98,800 fen, first top-up 50,000, opening fee 148,800.
 * The tenant pays 148,800 in; approval debits 98,800 (balance 50,000); the withdrawal gives 98,800 back
 * (balance 148,800 again).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoBillingContracts } from '../../shared/adapters/dynamo/billing-contracts.js';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments, type LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { activateNumber } from '../../shared/app/numbers/activate-number.js';
import type { ActivationMessage } from '../../shared/app/numbers/activation.js';
import type { NumbersDeps } from '../../shared/app/numbers/deps.js';
import { FEE_RETURN_REASON, withdrawApplication } from '../../shared/app/numbers/withdraw-application.js';
import { DomainError } from '../../shared/domain/errors.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { openingFeeReturn } from '../../shared/domain/numbers/opening-fee.js';
import type { SendOptions, WorkQueue } from '../../shared/ports/work-queue.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { useWorkQueue } from '../../shared/runtime/work-queues.js';
import { account, ledgerItems } from '../support/ledger-items.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import { approveApplication, importNumbers, payIn, submitNumberApplication } from './numbers-support.js';

const T0 = Date.parse('2026-11-25T02:00:00.000Z');
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const SELECTION_FEE = 98_800;
const OPENING_FEE = 148_800;

let db: TestDatabase;
let docs: LocalDocuments;
let telephony: LocalTelephony;
/** The activation queue, held: the test plays the worker. */
let sent: { message: ActivationMessage; delaySeconds: number }[] = [];
const held: WorkQueue<ActivationMessage> = {
  async send(message, options: SendOptions = {}) {
    sent.push({ message, delaySeconds: options.delaySeconds ?? 0 });
  },
};
const deps = () => numbersDeps({ config });
async function work(minutes: number) {
  const next = sent.shift();
  if (!next) throw new Error('no activation message waiting');
  return activateNumber(deps(), next.message, iso(minutes), { maxTries: 3, backoffBaseSeconds: 30 });
}

let counter = 10;
/** The next gold number (4007NN1234, NN not ending in 0). */
function goldNumber() {
  counter += counter % 10 === 9 ? 2 : 1;
  return `4007${counter}1234`;
}

/** Paid in, approved (98,800 debited: balance 50,000); the worker not yet run (the number activating). */
async function approvedNumber(tenant: string) {
  const number = goldNumber();
  await importNumbers([number], iso(0), config);
  const app = await submitNumberApplication(number, tenant, iso(0), config, docs);
  await payIn(tenant, OPENING_FEE, iso(0));
  await approveApplication(app.applicationId, 'operator-1', iso(1), config);
  expect((await account(tenant)).balance).toBe(OPENING_FEE - SELECTION_FEE);
  return { number, app };
}

/** Approved, then Connect refuses every claim: rolled back, the number `approved`, never in service. */
async function rolledBack(tenant: string) {
  const approved = await approvedNumber(tenant);
  telephony.failClaims = true;
  expect(await work(2)).toMatchObject({ outcome: 'rolled_back' });
  telephony.failClaims = false;
  expect((await getNumberItem(approved.number))?.status).toBe('approved');
  return approved;
}

const returnsOf = async (tenant: string) =>
  (await ledgerItems(tenant)).filter((e) => String(e.key).endsWith('#returned'));

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return `${error.kind} ${error.code}: ${error.message}`;
  }
  return 'allowed';
}

type Fault = 'none' | 'before' | 'after' | 'money';
/** What the `money` faults paid in so far (fen). */
let paidByFaults = 0;
/**
 * The numbers store with a fault planned per commit: a crash before the transaction is sent, a crash once it
 * applied (the answer lost), or money moving on the account between the withdrawal's read and its commit.
 */
function faulty(tenant: string, plan: Fault[]): NumbersDeps {
  const base = deps();
  return {
    ...base,
    numbers: {
      ...base.numbers,
      async commit(writes) {
        const fault = plan.shift() ?? 'none';
        if (fault === 'before') throw new Error('crashed before the commit');
        if (fault === 'money') {
          await payIn(tenant, 1_000, iso(3));
          paidByFaults += 1_000;
        }
        const committed = await base.numbers.commit(writes);
        if (fault === 'after') throw new Error('crashed after the commit: the answer is lost');
        return committed;
      },
    },
  };
}

beforeAll(async () => {
  db = await startTestDatabase();
  docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'withdraw-approval-docs-')));
});
afterAll(async () => {
  resetPorts();
  useWorkQueue('numberActivations', undefined);
  await db.stop();
});
beforeEach(() => {
  telephony = new LocalTelephony();
  usePorts({ documents: docs, telephony });
  useLocalNotifier();
  useWorkQueue('numberActivations', held as WorkQueue<unknown>);
  sent = [];
});

describe('withdrawing an approval whose number never went into service', () => {
  it('gives the fee back once, voids the contract, frees the number and withdraws the application', async () => {
    const { number, app } = await rolledBack('alpha');
    const contractId = app.contractId ?? `ct_${app.applicationId.slice(4)}`;
    const answer = await withdrawApplication(deps(), 'alpha', app.applicationId, iso(10));
    expect(answer.feesReturned).toBe(SELECTION_FEE);
    expect(answer.application).toMatchObject({ status: 'withdrawn', number });
    expect(answer.application.events.at(-1)).toEqual({ at: iso(10), event: 'withdrawn', by: 'alpha' });

    // 50,000 + 98,800 = 148,800: exactly what was paid in.
    expect(await account('alpha')).toMatchObject({ balance: OPENING_FEE, owed: 0 });
    expect((await returnsOf('alpha')).map((e) => [e.kind, e.amount, e.balanceAfter, e.description])).toEqual([
      [
        'opening_fee',
        SELECTION_FEE,
        OPENING_FEE,
        `Opening fee for ${number} returned: application withdrawn before the number went into service`,
      ],
    ]);

    // Straight back to the pool: nobody's, no contract, no quarantine.
    const item = await getNumberItem(number);
    expect(item?.status).toBe('available');
    for (const gone of ['tenantId', 'contractId', 'planId', 'applicationId', 'quarantineUntil'])
      expect(item?.[gone as keyof typeof item], gone).toBeUndefined();
    expect((await deps().numbers.holds('alpha'))?.holds ?? {}).not.toHaveProperty(number);
    const history = await deps().numbers.history(number);
    expect(history.at(-1)).toMatchObject({
      from: 'approved',
      to: 'available',
      command: 'withdraw_approval',
      actor: 'alpha',
    });

    // The contract is void, out of the term-end index, and billing never sees it.
    const contract = await deps().numbers.contract(number, contractId);
    expect(contract).toMatchObject({ status: 'void', voidedAt: iso(10) });
    expect(contract?.gsi3pk).toBeUndefined();
    expect((await dynamoBillingContracts.all(config.timeZone)).map((c) => c.number)).not.toContain(number);

    // Withdrawing again: 409, nothing given back twice.
    expect(await refusal(withdrawApplication(deps(), 'alpha', app.applicationId, iso(11)))).toBe(
      'conflict invalid_transition: a withdrawn application cannot be withdrawn',
    );
    // Nor can an operator's approval bring it back (the number is in the pool for anyone).
    expect(await refusal(approveApplication(app.applicationId, 'operator-1', iso(12), config))).toBe(
      'conflict invalid_transition: a withdrawn application cannot be approved',
    );
    expect(sent).toEqual([]);
    expect((await account('alpha')).balance).toBe(OPENING_FEE);
    expect(await returnsOf('alpha')).toHaveLength(1);
  });

  it('refuses while the activation is in flight and once the number went into service; 404 to others', async () => {
    const { number, app } = await approvedNumber('beta');
    expect(await refusal(withdrawApplication(deps(), 'gamma', app.applicationId, iso(2)))).toBe(
      'not_found application_not_found: no such application among yours',
    );
    expect(await refusal(withdrawApplication(deps(), 'beta', app.applicationId, iso(2)))).toBe(
      'conflict invalid_transition: the number is being activated; it can be withdrawn only if its activation fails',
    );
    expect(await work(3)).toMatchObject({ outcome: 'active' });
    expect(await refusal(withdrawApplication(deps(), 'beta', app.applicationId, iso(4)))).toBe(
      'conflict invalid_transition: this approval’s number went into service: cancel the number instead of withdrawing the application',
    );
    // Nothing moved: the fee stays taken, the number stays in service.
    expect((await account('beta')).balance).toBe(OPENING_FEE - SELECTION_FEE);
    expect(await returnsOf('beta')).toEqual([]);
    expect((await getNumberItem(number))?.status).toBe('active');
  });

  it('never lets a late activation message of a withdrawn application activate the number', async () => {
    const { number, app } = await rolledBack('delta');
    // As if the worker crashed between its rollback and recording it: the activation still says activating.
    const stored = await deps().activations.get(number);
    if (!stored) throw new Error('no activation');
    expect(await deps().activations.save({ ...stored, status: 'activating', step: 'claiming' })).toBe(true);
    await withdrawApplication(deps(), 'delta', app.applicationId, iso(10));
    // The message is delivered again, late.
    sent.push({
      message: { type: 'number.activate', number, applicationId: app.applicationId, generation: 0 },
      delaySeconds: 0,
    });
    expect(await work(11)).toMatchObject({ outcome: 'skipped' });
    expect(telephony.state.claims.filter((c) => c.number400 === number)).toEqual([]);
    expect((await getNumberItem(number))?.status).toBe('available');
    expect(await deps().activations.get(number)).toMatchObject({
      status: 'failed',
      lastError: 'the application was withdrawn',
    });
  });
});

describe('a crash at any point converges', () => {
  it('an answer lost after the commit: the retry is a 409 and the fee came back once', async () => {
    const { app } = await rolledBack('epsilon');
    await expect(
      withdrawApplication(faulty('epsilon', ['after']), 'epsilon', app.applicationId, iso(10)),
    ).rejects.toThrow('answer is lost');
    expect(await refusal(withdrawApplication(deps(), 'epsilon', app.applicationId, iso(11)))).toBe(
      'conflict invalid_transition: a withdrawn application cannot be withdrawn',
    );
    expect((await account('epsilon')).balance).toBe(OPENING_FEE);
    expect(await returnsOf('epsilon')).toHaveLength(1);
  });

  it('a crash before the commit changes nothing; the retry does it all once', async () => {
    const { number, app } = await rolledBack('zeta');
    await expect(
      withdrawApplication(faulty('zeta', ['before']), 'zeta', app.applicationId, iso(10)),
    ).rejects.toThrow('before the commit');
    expect((await account('zeta')).balance).toBe(OPENING_FEE - SELECTION_FEE);
    expect((await deps().applications.get(app.applicationId))?.status).toBe('approved');
    expect((await getNumberItem(number))?.status).toBe('approved');
    expect((await withdrawApplication(deps(), 'zeta', app.applicationId, iso(11))).feesReturned).toBe(
      SELECTION_FEE,
    );
    expect((await account('zeta')).balance).toBe(OPENING_FEE);
    expect(await returnsOf('zeta')).toHaveLength(1);
  });

  it('a fee already given back before the application was updated is not given back again', async () => {
    const { number, app } = await rolledBack('eta');
    // The state a crash between a separate fee return and the application's update would leave.
    await deps().ledger.post([openingFeeReturn(app, SELECTION_FEE, iso(9), FEE_RETURN_REASON)]);
    expect((await account('eta')).balance).toBe(OPENING_FEE);
    const answer = await withdrawApplication(deps(), 'eta', app.applicationId, iso(10));
    expect(answer).toMatchObject({ feesReturned: 0, application: { status: 'withdrawn' } });
    expect((await getNumberItem(number))?.status).toBe('available');
    expect((await account('eta')).balance).toBe(OPENING_FEE);
    expect(await returnsOf('eta')).toHaveLength(1);
  });

  it('money moving between the read and the commit: decided again, the fee comes back once', async () => {
    const { app } = await rolledBack('theta');
    const answer = await withdrawApplication(faulty('theta', ['money']), 'theta', app.applicationId, iso(10));
    expect(answer.feesReturned).toBe(SELECTION_FEE);
    // 50,000 + 1,000 paid meanwhile + 98,800 = 149,800.
    expect((await account('theta')).balance).toBe(149_800);
    expect(await returnsOf('theta')).toHaveLength(1);
  });

  it('any sequence of withdrawal attempts and faults gives the fee back exactly once (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Fault>('none', 'before', 'after', 'money'), { minLength: 1, maxLength: 6 }),
        async (faults) => {
          const tenant = `prop-${++run}`;
          const { number, app } = await rolledBack(tenant);
          paidByFaults = 0;
          // Each attempt faces one fault at its first commit (an attempt refused before committing faces
          // none); the client retries until it is told.
          for (const fault of [...faults, 'none' as const]) {
            const outcome = await refusal(
              withdrawApplication(faulty(tenant, [fault]), tenant, app.applicationId, iso(10)),
            ).catch((error: Error) => error.message);
            if (outcome === 'allowed' || outcome.includes('cannot be withdrawn')) break;
          }
          expect((await deps().applications.get(app.applicationId))?.status).toBe('withdrawn');
          expect((await getNumberItem(number))?.status).toBe('available');
          expect((await returnsOf(tenant)).map((e) => e.amount)).toEqual([SELECTION_FEE]);
          expect((await account(tenant)).balance).toBe(OPENING_FEE + paidByFaults);
        },
      ),
      { numRuns: 10 },
    );
  }, 120_000);
});
