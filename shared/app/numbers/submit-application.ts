/**
 * A tenant submits its draft application. Primary course: every required document arrived and is in date;
 * the application joins the review queue, its number still counting as one of the tenant's holds until it
 * is decided, in one commit. Each document's stored version and SHA-256 are frozen on the application:
 * reviewers read exactly those, whatever is uploaded later.
 * Variations: incomplete, a 400 listing what is missing; changed meanwhile, a 409 to read it again; a
 * transfer qualification whose offer has ended (before the submission or while it commits), a 409
 * transfer_offer_ended; past the draft's deadline, a 409 application_expired.
 */
import { conflict } from '../../domain/errors.js';
import { applicationView, requireBeforeDeadline, withStatus } from '../../domain/numbers/application.js';
import type { NumberWrite } from '../../ports/number-store.js';
import {
  offerStillPending,
  refusedCommit,
  requireComplete,
  requireOfferPending,
  requireOwnApplication,
} from './applications.js';
import type { NumbersDeps } from './deps.js';
import { holdExtended, UNTIL_DECIDED } from './holds.js';

export async function submitApplication(
  deps: NumbersDeps,
  tenantId: string,
  applicationId: string,
  at: string,
) {
  const app = await requireOwnApplication(deps, tenantId, applicationId);
  if (app.status !== 'draft')
    throw conflict('invalid_transition', `a ${app.status} application cannot be submitted`);
  requireBeforeDeadline(app, at);
  if (app.transfer) await requireOfferPending(deps, app);
  const frozenDocuments = await requireComplete(deps, app, at);
  const next = withStatus(
    app,
    'submitted',
    { at, event: 'submitted', by: tenantId },
    { submittedAt: at, frozenDocuments },
  );
  const writes: NumberWrite[] = [
    { kind: 'application', application: next, expectedVersion: app.version },
    await holdExtended(deps, tenantId, app.number, UNTIL_DECIDED, at),
    ...offerStillPending(app),
  ];
  if (!(await deps.numbers.commit(writes))) await refusedCommit(deps, writes);
  return applicationView(next);
}
