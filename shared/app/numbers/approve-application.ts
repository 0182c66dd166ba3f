/**
 * An operator approves a submitted application. Primary course:
 *   1. the application moves to approved, the number to activating and the contract is written, with the
 *      start of the number's activation as a durable effect, in one commit;
 *   2. the opening fee is posted (one ledger key per application, so a second approval charges nothing);
 *   3. the answer is 202: the activation worker (activate-number.ts) claims an access number in Connect,
 *      binds it and activates the number, off the request path.
 * Variations: approving an approved application answers the same and is harmless: an activation in progress
 * is sent to the worker again (it resumes from the stored claim), one that was rolled back starts again
 * (its next generation), an active number is left alone; a parallel approval that got there first is
 * carried on from.
 */
import { conflict, notFound } from '../../domain/errors.js';
import {
  type ApplicationRecord,
  contractFor,
  operatorApplicationView,
  withStatus,
} from '../../domain/numbers/application.js';
import { restrictionsFor } from '../../domain/numbers/applications.js';
import type { PendingEffect } from '../../ports/number-effect-store.js';
import { operatorActivationView, startActivation } from './activation.js';
import { requireApplication } from './applications.js';
import type { NumbersDeps } from './deps.js';
import { holdConsumed } from './holds.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

export async function approveApplication(
  deps: NumbersDeps,
  applicationId: string,
  operator: string,
  at: string,
) {
  const { config } = deps;
  let app = await requireApplication(deps, applicationId);
  if (app.status !== 'submitted' && app.status !== 'approved') {
    throw conflict('invalid_transition', `a ${app.status} application cannot be approved`);
  }
  // Approved by this call: the commit's effect has just sent the activation.
  let approvedNow = false;
  if (app.status === 'submitted') {
    const submitted = app;
    const contract = contractFor(submitted, at, config);
    const next = withStatus(
      submitted,
      'approved',
      { at, event: 'approved', by: operator },
      { decidedAt: at, contractId: contract.contractId },
    );
    try {
      await runLifecycleCommand(
        deps,
        submitted.number,
        { type: 'approve' },
        { at, actor: operator },
        {
          extra: {
            contractId: contract.contractId,
            restrictions: restrictionsFor(submitted.applicantType),
            planId: contract.planId as string,
          },
          // Approved, the number is the tenant's: it no longer counts as a hold.
          writes: async () => [
            { kind: 'application', application: next, expectedVersion: submitted.version },
            { kind: 'contract', contract },
            await holdConsumed(deps, submitted.tenantId, submitted.number, at),
          ],
          effects: (_number, after) => [activationEffect(next, after.version, 0, at)],
        },
      );
      app = next;
      approvedNow = true;
    } catch (error) {
      // A parallel approval got there first: carry on from what it wrote.
      const now = await deps.applications.get(applicationId);
      if (now?.status !== 'approved') throw error;
      app = now;
    }
  }
  const contract = await deps.numbers.contract(app.number, app.contractId as string);
  const openingFee = Number(contract?.openingFee ?? app.selectionFee + config.firstTopUp);
  const firstTopUp = Number(contract?.firstTopUp ?? config.firstTopUp);
  await deps.ledger.post([
    {
      tenantId: app.tenantId,
      key: `opening#${applicationId}`,
      kind: 'opening_fee',
      amount: -openingFee,
      at,
      description: `Opening fee for ${app.number}: selection fee ${openingFee - firstTopUp} + first top-up ${firstTopUp}`,
      number: app.number,
    },
    {
      tenantId: app.tenantId,
      key: `opening#${applicationId}#top_up`,
      kind: 'top_up',
      amount: firstTopUp,
      at,
      description: `First top-up included in the opening fee for ${app.number}`,
      number: app.number,
    },
  ]);
  const number = approvedNow
    ? await requireNumber(deps, app.number)
    : await continueActivation(deps, app, operator, at);
  const activation = await deps.activations.get(app.number);
  return {
    ...operatorApplicationView(app),
    numberStatus: number.status,
    ...(number.accessNumber ? { accessNumber: number.accessNumber } : {}),
    ...(activation?.applicationId === app.applicationId
      ? { activation: operatorActivationView(activation) }
      : {}),
  };
}

/** The durable start of an activation, committed with the transition that makes the number activating. */
function activationEffect(
  app: ApplicationRecord,
  version: number,
  generation: number,
  at: string,
): PendingEffect {
  return {
    effectId: `${app.number}#v${String(version).padStart(8, '0')}#activation`,
    at,
    payload: {
      kind: 'start_activation',
      number: app.number,
      applicationId: app.applicationId,
      tenantId: app.tenantId,
      generation,
    },
  };
}

/**
 * An approval seen again: an activation in progress is sent to the worker again, one rolled back (the number
 * approved, not activating) starts its next generation; anything else is left as it is. Answers the number.
 */
async function continueActivation(deps: NumbersDeps, app: ApplicationRecord, operator: string, at: string) {
  const number = await requireNumber(deps, app.number);
  const previous = await deps.activations.get(app.number);
  const generation = previous?.applicationId === app.applicationId ? previous.generation : undefined;
  if (number.status === 'activating') {
    const start = { number: app.number, applicationId: app.applicationId, tenantId: app.tenantId };
    await startActivation(deps, { ...start, generation: generation ?? 0 }, at);
  } else if (number.status === 'approved') {
    await runLifecycleCommand(
      deps,
      app.number,
      { type: 'restart_activation' },
      { at, actor: operator },
      {
        effects: (_number, after) => [
          activationEffect(app, after.version, generation === undefined ? 0 : generation + 1, at),
        ],
      },
    );
  }
  return requireNumber(deps, app.number);
}

async function requireNumber(deps: NumbersDeps, id: string) {
  const number = await deps.numbers.get(id);
  if (!number) throw notFound('number_not_found', 'no such number');
  return number;
}
