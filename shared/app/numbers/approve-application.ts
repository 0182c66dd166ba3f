/**
 * An operator approves a submitted application. Primary course:
 *   1. the tenant's paid-in money must cover the opening fee (approval-fees.ts), else a 402
 *      `fees_not_funded` and nothing changes;
 *   2. the application and the number move to approved, the contract is written and the selection fee is
 *      debited (the first top-up stays on the balance), in one commit;
 *   3. an access number is claimed in Connect (same token, same claim) and pointed at the contact flow;
 *   4. the number is activated, and the approval notice goes with the activation, durably.
 * Variations: approving an approved application resumes whatever step did not finish and answers the
 * same, so a double submit is harmless; a parallel approval that got there first is carried on from; a
 * Connect failure answers 503 (approved and charged already; approving again retries safely). An
 * activation that fails for good gives the fee back with returnApprovalFees. A transfer recipient's
 * qualification is approved alone: no fee, no activation (the recipient then accepts the transfer with it).
 */
import { conflict, DomainError, notFound } from '../../domain/errors.js';
import {
  type ApplicationRecord,
  contractFor,
  operatorApplicationView,
  withStatus,
} from '../../domain/numbers/application.js';
import { restrictionsFor } from '../../domain/numbers/applications.js';
import { commitQualification, requireApplication } from './applications.js';
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
        },
      );
      app = next;
    } catch (error) {
      // A parallel approval got there first: carry on from what it wrote.
      const now = await deps.applications.get(applicationId);
      if (now?.status !== 'approved') throw error;
      app = now;
    }
  }
  const activated = await activateNumber(deps, app, operator, at);
  return {
    ...operatorApplicationView(app),
    numberStatus: activated.status,
    accessNumber: activated.accessNumber,
  };
}

/** A transfer recipient's qualification approved: the application only (the number is still its owner's). */
async function approveQualification(deps: NumbersDeps, app: ApplicationRecord, operator: string, at: string) {
  let approved = app;
  if (app.status === 'submitted') {
    approved = withStatus(app, 'approved', { at, event: 'approved', by: operator }, { decidedAt: at });
    await commitQualification(
      deps,
      [
        { kind: 'application', application: approved, expectedVersion: app.version },
        await holdConsumed(deps, app.tenantId, app.number, at),
      ],
      {
        effectId: `${app.applicationId}#v${approved.version}#decision`,
        at,
        payload: {
          kind: 'notify',
          notification: {
            tenantId: app.tenantId,
            kind: 'application_decided',
            template: 'transfer_qualification_approved',
            params: { number: app.number, applicationId: app.applicationId },
            dedupeKey: `application#${app.applicationId}#approved`,
          },
        },
      },
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

/** Claims an access number through the telephony port (same token, same claim) and activates the number. */
async function activateNumber(deps: NumbersDeps, app: ApplicationRecord, operator: string, at: string) {
  const number = await deps.numbers.get(app.number);
  if (!number) throw notFound('number_not_found', 'no such number');
  if (number.status !== 'approved') return { status: number.status, accessNumber: number.accessNumber };
  const telephony = await deps.telephony();
  let claimed: { accessNumber: string; phoneNumberId: string };
  try {
    claimed = await telephony.claimAccessNumber({
      number400: app.number,
      countryCode: 'SG',
      type: 'DID',
      idempotencyToken: app.applicationId,
    });
    const flowId = telephony.contactFlowId?.();
    if (flowId) await telephony.associateFlow(claimed.phoneNumberId, flowId);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    deps.log.error('binding the number in Connect failed', { number: app.number, error: error as Error });
    // Approved and charged already; the same claim token makes a retry safe.
    throw new DomainError(
      'unavailable',
      'telephony_unavailable',
      'the application is approved but binding the number in Connect failed; approve it again to retry',
    );
  }
  try {
    const { number: active } = await runLifecycleCommand(
      deps,
      app.number,
      { type: 'activate', accessNumber: claimed.accessNumber },
      { at, actor: operator },
      {
        // planId again from the contract: numbers approved before the number item carried it get it now.
        extra: (current) => ({
          phoneNumberId: claimed.phoneNumberId,
          ...(current.planId ? {} : { planId: app.planId }),
        }),
        effects: (_number, next) => [
          {
            effectId: `${app.number}#v${String(next.version).padStart(8, '0')}#decision`,
            at,
            payload: {
              kind: 'notify',
              notification: {
                tenantId: app.tenantId,
                kind: 'application_decided',
                template: 'application_approved',
                params: { number: app.number },
                dedupeKey: `application#${app.applicationId}#approved`,
              },
            },
          },
        ],
      },
    );
    return { status: active.status, accessNumber: active.accessNumber };
  } catch (error) {
    const now = await deps.numbers.get(app.number);
    if (now?.status === 'active') return { status: now.status, accessNumber: now.accessNumber };
    throw error;
  }
}
