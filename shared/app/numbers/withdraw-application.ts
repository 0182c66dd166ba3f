/**
 * A tenant gives up its application. Primary course: a draft or rejected application is withdrawn, the
 * number back in the pool (and off the tenant's holds), in one commit.
 * Variation: an approved application whose number never went into service (its activation rolled back, the
 * number `approved`): in ONE commit the application is withdrawn, the number goes straight back to the pool
 * (no quarantine: it never carried a call), the pending contract is voided (billing never charges it) and
 * the fee the approval debited is given back (`returnApprovalFees`, under a ledger key of its own). A crash
 * before the commit changed nothing, so a retry does it all once; after it, the application is withdrawn
 * and a retry is refused (409) with nothing given back twice.
 * Refused with 409 `invalid_transition`: an activation in flight (`activating`), a number that went into
 * service under the application (active, suspended, cancelled, transferred …), a transfer recipient's
 * approved qualification (nothing to give back: accept or let the transfer lapse), any other status.
 */
import { conflict } from '../../domain/errors.js';
import { type ApplicationRecord, applicationView, withStatus } from '../../domain/numbers/application.js';
import { requireOwnApplication, withdraw } from './applications.js';
import { returnApprovalFees } from './approval-fees.js';
import type { NumbersDeps } from './deps.js';
import { holdConsumed } from './holds.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

export const FEE_RETURN_REASON = 'application withdrawn before the number went into service';

export async function withdrawApplication(
  deps: NumbersDeps,
  tenantId: string,
  applicationId: string,
  at: string,
) {
  const app = await requireOwnApplication(deps, tenantId, applicationId);
  if (app.status === 'approved' && !app.transfer) return withdrawApproval(deps, app, at);
  if (app.status !== 'draft' && app.status !== 'rejected') {
    throw conflict('invalid_transition', `a ${app.status} application cannot be withdrawn`);
  }
  return { application: applicationView(await withdraw(deps, app, tenantId, at)), feesReturned: 0 };
}

async function withdrawApproval(deps: NumbersDeps, app: ApplicationRecord, at: string) {
  await requireNeverInService(deps, app);
  const next = withStatus(app, 'withdrawn', { at, event: 'withdrawn', by: app.tenantId });
  let feesReturned = 0;
  await runLifecycleCommand(
    deps,
    app.number,
    { type: 'withdraw_approval', tenantId: app.tenantId, applicationId: app.applicationId },
    { at, actor: app.tenantId },
    {
      // The contract is voided by the transition itself (run-lifecycle-command.ts); the fee is read again
      // at each attempt, so a return posted meanwhile is never posted twice.
      writes: async () => {
        const feeReturn = await returnApprovalFees(deps, app, at, FEE_RETURN_REASON);
        feesReturned = feeReturn?.entries.reduce((sum, entry) => sum + entry.amount, 0) ?? 0;
        return [
          { kind: 'application', application: next, expectedVersion: app.version },
          await holdConsumed(deps, app.tenantId, app.number, at),
          ...(feeReturn ? [feeReturn] : []),
        ];
      },
    },
  );
  return { application: applicationView(next), feesReturned };
}

/**
 * Refuses an approval whose contract ever went into service (it has a start of service, or is no longer
 * pending): such a number is cancelled, not withdrawn, even once it has left the tenant.
 */
async function requireNeverInService(deps: NumbersDeps, app: ApplicationRecord): Promise<void> {
  const contract = app.contractId ? await deps.numbers.contract(app.number, app.contractId) : undefined;
  const inService =
    contract !== undefined &&
    (contract.status !== 'pending' ||
      contract.serviceFrom !== undefined ||
      contract.activatedAt !== undefined);
  if (inService) {
    throw conflict(
      'invalid_transition',
      'this approval’s number went into service: cancel the number instead of withdrawing the application',
      { status: 'approved', contractStatus: String(contract?.status ?? 'unknown') },
    );
  }
}
