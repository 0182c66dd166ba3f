/**
 * A tenant sends a rejected application back to review. Primary course: the fixes (usage, industry,
 * minutes, applicant name) applied, the application complete again; it returns to the review queue and the
 * number to `applied`, in one commit, with the documents' versions and hashes frozen anew.
 * Variation: past the rejection's fix-by date, a 409 application_expired.
 */
import { conflict } from '../../domain/errors.js';
import {
  type ApplicationRecord,
  applicationView,
  requireBeforeDeadline,
  withStatus,
} from '../../domain/numbers/application.js';
import {
  commitQualification,
  offerStillPending,
  requireComplete,
  requireOfferPending,
  requireOwnApplication,
} from './applications.js';
import type { NumbersDeps } from './deps.js';
import { holdExtended, UNTIL_DECIDED } from './holds.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

export type Resubmission = Partial<
  Pick<ApplicationRecord, 'intendedUsage' | 'industry' | 'expectedMonthlyMinutes' | 'applicantName'>
>;

export async function resubmitApplication(
  deps: NumbersDeps,
  tenantId: string,
  applicationId: string,
  changes: Resubmission,
  at: string,
) {
  const app = await requireOwnApplication(deps, tenantId, applicationId);
  if (app.status !== 'rejected')
    throw conflict('invalid_transition', `a ${app.status} application cannot be resubmitted`);
  requireBeforeDeadline(app, at);
  if (app.transfer) await requireOfferPending(deps, app);
  const updated = { ...app, ...changes };
  const frozenDocuments = await requireComplete(deps, updated, at);
  const next = withStatus(
    updated,
    'submitted',
    { at, event: 'resubmitted', by: tenantId },
    { submittedAt: at, frozenDocuments },
  );
  // Variation: a transfer recipient's qualification: the offered number stays as it is.
  if (app.transfer) {
    await commitQualification(
      deps,
      [
        { kind: 'application', application: next, expectedVersion: app.version },
        await holdExtended(deps, tenantId, app.number, UNTIL_DECIDED, at),
        ...offerStillPending(app),
      ],
      at,
    );
    return applicationView(next);
  }
  await runLifecycleCommand(
    deps,
    app.number,
    { type: 'resubmit', tenantId },
    { at, actor: tenantId },
    {
      writes: async () => [
        { kind: 'application', application: next, expectedVersion: app.version },
        await holdExtended(deps, tenantId, app.number, UNTIL_DECIDED, at),
      ],
    },
  );
  return applicationView(next);
}
