/**
 * An operator approves a submitted application. Primary course:
 *   1. the application and the number move to approved and the contract is written, in one commit;
 *   2. the opening fee is posted (one ledger key per application, so a second approval charges nothing);
 *   3. an access number is claimed in Connect (same token, same claim) and pointed at the contact flow;
 *   4. the number is activated, and the approval notice goes with the activation, durably.
 * Variations: approving an approved application resumes whatever step did not finish and answers the
 * same, so a double submit is harmless; a parallel approval that got there first is carried on from; a
 * Connect failure answers 503 (approved and charged already; approving again retries safely).
 */
import { conflict, DomainError, notFound } from '../../domain/errors.js';
import {
  type ApplicationRecord,
  contractFor,
  operatorApplicationView,
  withStatus,
} from '../../domain/numbers/application.js';
import { restrictionsFor } from '../../domain/numbers/applications.js';
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
  const activated = await activateNumber(deps, app, operator, at);
  return {
    ...operatorApplicationView(app),
    numberStatus: activated.status,
    accessNumber: activated.accessNumber,
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
