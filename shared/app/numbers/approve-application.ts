/**
 * An operator approves a submitted application. Primary course:
 *   1. the tenant's paid-in money must cover the opening fee (approval-fees.ts), else a 402
 *      `fees_not_funded` and nothing changes;
 *   2. the application moves to approved, the number to activating, the contract is written and the
 *      selection fee is debited (the first top-up stays on the balance), with the start of the number's
 *      activation as a durable effect, in one commit;
 *   3. the answer is 202: the activation worker (activate-number.ts) claims an access number in Connect,
 *      binds it and activates the number, off the request path.
 * Variations: approving an approved application answers the same and is harmless: an activation in progress
 * is sent to the worker again (it resumes from the stored claim), one that was rolled back starts again
 * (its next generation; the approval and its fee stand), an active number is left alone; a parallel approval
 * that got there first is carried on from. A transfer recipient's qualification is approved alone: no fee,
 * no activation (the recipient then accepts the transfer with it), and only while the offer it was filed
 * for is pending, as its commit checks again (409 transfer_offer_ended: reject it instead).
 */
import { conflict, notFound } from '../../domain/errors.js';
import {
  type ApplicationRecord,
  contractFor,
  operatorApplicationView,
  withStatus,
} from '../../domain/numbers/application.js';
import { restrictionsFor } from '../../domain/numbers/applications.js';
import { noticeEffect, type PendingEffect } from '../../ports/number-effect-store.js';
import { operatorActivationView, startActivation } from './activation.js';
import {
  commitQualification,
  offerStillPending,
  requireApplication,
  requireOfferPending,
} from './applications.js';
import { feesOf, fundApproval } from './approval-fees.js';
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
  if (app.transfer) return approveQualification(deps, app, operator, at);
  // Approved by this call: the commit's effect has just sent the activation.
  let approvedNow = false;
  if (app.status === 'submitted') {
    const submitted = app;
    const contract = contractFor(submitted, at, config);
    const fees = feesOf(contract);
    // Funding first: a tenant that has not paid the opening fee in is refused before anything moves.
    await fundApproval(deps, submitted, fees, at);
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
            // Checked again on what is there at this attempt: the debit commits at the account's version.
            await fundApproval(deps, submitted, fees, at),
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

/** A transfer recipient's qualification approved: the application only (the number is still its owner's). */
async function approveQualification(deps: NumbersDeps, app: ApplicationRecord, operator: string, at: string) {
  let approved = app;
  if (app.status === 'submitted') {
    await requireOfferPending(deps, app);
    approved = withStatus(app, 'approved', { at, event: 'approved', by: operator }, { decidedAt: at });
    const notice = noticeEffect(`${app.applicationId}#v${approved.version}#decision`, at, {
      tenantId: app.tenantId,
      kind: 'application_decided',
      template: 'transfer_qualification_approved',
      params: { number: app.number },
      dedupeKey: `application#${app.applicationId}#approved`,
    });
    await commitQualification(
      deps,
      [
        { kind: 'application', application: approved, expectedVersion: app.version },
        await holdConsumed(deps, app.tenantId, app.number, at),
        { kind: 'effect', effect: notice },
        ...offerStillPending(app),
      ],
      at,
    );
  }
  const number = await deps.numbers.get(app.number);
  return {
    ...operatorApplicationView(approved),
    numberStatus: number?.status,
    accessNumber: number?.accessNumber,
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
 * approved, not activating) starts its next generation; anything else, or a number now held under another
 * application, is left as it is. Answers the number.
 */
async function continueActivation(deps: NumbersDeps, app: ApplicationRecord, operator: string, at: string) {
  const number = await requireNumber(deps, app.number);
  // An approval of long ago: the number may be held under another application by now (another tenant's,
  // after cancellation and quarantine); it is not this approval's to activate.
  if (number.applicationId !== app.applicationId || number.tenantId !== app.tenantId) return number;
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
