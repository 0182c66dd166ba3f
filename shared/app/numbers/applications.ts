/** What several application use cases share: finding the tenant's own application, checking it is complete, withdrawing it. */
import { localDateOf } from '../../domain/billing/calendar.js';
import { conflict, invalid, notFound } from '../../domain/errors.js';
import { type ApplicationRecord, type FrozenDocument, withStatus } from '../../domain/numbers/application.js';
import { missingItems } from '../../domain/numbers/applications.js';
import { isOfferCurrent } from '../../domain/numbers/transfer-offer.js';
import type { NumberWrite } from '../../ports/number-store.js';
import type { NumbersDeps } from './deps.js';
import { holdConsumed } from './holds.js';
import { effectsAmong, runEffects } from './number-effects.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

/** The tenant's own application, or a 404 that says nothing about anyone else's. */
export async function requireOwnApplication(
  deps: NumbersDeps,
  tenantId: string,
  applicationId: string,
): Promise<ApplicationRecord> {
  const app = await deps.applications.get(applicationId);
  if (!app || app.tenantId !== tenantId)
    throw notFound('application_not_found', 'no such application among yours');
  return app;
}

export async function requireApplication(deps: NumbersDeps, applicationId: string) {
  const app = await deps.applications.get(applicationId);
  if (!app) throw notFound('application_not_found', 'no such application');
  return app;
}

/**
 * The application's documents with `uploaded` as storage says it: a document whose object arrived since it
 * was filed counts as uploaded (nothing writes the flag back when the upload lands).
 */
export async function documentsAsUploaded(deps: NumbersDeps, applicationId: string) {
  const docs = await deps.applications.documents(applicationId);
  const documents = await deps.documents();
  return Promise.all(
    docs.map(async (d) =>
      d.uploaded === true ? d : { ...d, uploaded: await documents.exists(d.objectKey) },
    ),
  );
}

/**
 * Checks every required document arrived (and licences are in date) or refuses listing what is missing;
 * answers the stored version and hash of each uploaded document, for the submission to freeze.
 */
export async function requireComplete(
  deps: NumbersDeps,
  app: ApplicationRecord,
  at: string,
): Promise<FrozenDocument[]> {
  const docs = await deps.applications.documents(app.applicationId);
  const documents = await deps.documents();
  const stored = await Promise.all(docs.map((d) => documents.describe(d.objectKey)));
  const filed = docs.map((d, i) => ({
    kind: d.kind,
    uploaded: stored[i] !== undefined,
    ...(d.expiresOn ? { expiresOn: d.expiresOn } : {}),
  }));
  const missing = missingItems(app, filed, localDateOf(at, deps.config.timeZone));
  if (missing.length > 0) {
    throw invalid(
      'application_incomplete',
      `the application is missing ${missing.map((m) => m.item).join(', ')}`,
      'documents',
      { missing },
    );
  }
  return docs.flatMap((d, i) => {
    const version = stored[i];
    return version ? [{ documentId: d.documentId, ...version }] : [];
  });
}

/**
 * Refuses to take a transfer qualification further (submission, approval) once the offer it was filed for
 * is over (declined, withdrawn, accepted, or followed by another offer): it could qualify its tenant for
 * nothing, and an approval would tell the tenant to accept an offer that is gone. Withdrawing or rejecting
 * it stays possible.
 */
export async function requireOfferPending(deps: NumbersDeps, app: ApplicationRecord): Promise<void> {
  if (!isOfferCurrent(app, await deps.numbers.get(app.number))) throw offerEnded(app.number);
}

const offerEnded = (number: string) =>
  conflict(
    'transfer_offer_ended',
    `the offer of ${number} this qualification was filed for has ended; a new offer needs a new application`,
  );

/**
 * The commit's condition that the offer a qualification was filed for is still pending, so a submission or
 * approval checked just before the offer ended cannot commit after it (and after its sweep): it would move
 * a qualification nobody can use. None for one without an offer id (requireOfferPending judges it alone).
 */
export function offerStillPending(app: ApplicationRecord): NumberWrite[] {
  return app.transfer && app.transferOfferId
    ? [{ kind: 'offer_pending', number: app.number, offerId: app.transferOfferId }]
    : [];
}

/** Why a commit was refused: the offer's end, when a condition on it no longer holds, else a change to read. */
export async function refusedCommit(deps: NumbersDeps, writes: readonly NumberWrite[]): Promise<never> {
  for (const write of writes) {
    if (write.kind !== 'offer_pending') continue;
    const number = await deps.numbers.get(write.number);
    if (number?.transferOfferId !== write.offerId) throw offerEnded(write.number);
  }
  throw conflict('concurrent_update', 'the application changed meanwhile; read it again');
}

/**
 * The decision of a transfer recipient's qualification (its number is another tenant's, and a lifecycle
 * command would be refused): the application's writes and its notices (effects among the writes), in one
 * commit, then the notices sent.
 */
export async function commitQualification(
  deps: NumbersDeps,
  writes: readonly NumberWrite[],
  at: string,
): Promise<void> {
  if (!(await deps.numbers.commit(writes))) await refusedCommit(deps, writes);
  await runEffects(deps, effectsAmong(writes), at);
}

/** The application withdrawn and its number back in the pool (and off the tenant's holds), in one commit. */
export async function withdraw(
  deps: NumbersDeps,
  app: ApplicationRecord,
  actor: string,
  at: string,
): Promise<ApplicationRecord> {
  const next = withStatus(app, 'withdrawn', { at, event: 'withdrawn', by: actor });
  // Variation: a transfer recipient's qualification: the number is still its owner's and stays as it is.
  if (app.transfer) {
    const writes: NumberWrite[] = [
      { kind: 'application', application: next, expectedVersion: app.version },
      await holdConsumed(deps, app.tenantId, app.number, at),
    ];
    await commitQualification(deps, writes, at);
    return next;
  }
  await runLifecycleCommand(
    deps,
    app.number,
    { type: 'withdraw_application', tenantId: app.tenantId },
    { at, actor },
    {
      writes: async () => [
        { kind: 'application', application: next, expectedVersion: app.version },
        await holdConsumed(deps, app.tenantId, app.number, at),
      ],
    },
  );
  return next;
}
