/** What several application use cases share: finding the tenant's own application, checking it is complete, withdrawing it. */
import { localDateOf } from '../../domain/billing/calendar.js';
import { conflict, invalid, notFound } from '../../domain/errors.js';
import { type ApplicationRecord, withStatus } from '../../domain/numbers/application.js';
import { missingItems } from '../../domain/numbers/applications.js';
import type { PendingEffect } from '../../ports/number-effect-store.js';
import type { NumberWrite } from '../../ports/number-store.js';
import type { NumbersDeps } from './deps.js';
import { holdConsumed } from './holds.js';
import { runEffects } from './number-effects.js';
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

/** Checks every required document arrived (and licences are in date) or refuses listing what is missing. */
export async function requireComplete(deps: NumbersDeps, app: ApplicationRecord, at: string): Promise<void> {
  const docs = await deps.applications.documents(app.applicationId);
  const documents = await deps.documents();
  const filed = await Promise.all(
    docs.map(async (d) => ({
      kind: d.kind,
      uploaded: d.uploaded === true || (await documents.exists(d.objectKey)),
      ...(d.expiresOn ? { expiresOn: d.expiresOn } : {}),
    })),
  );
  const missing = missingItems(app, filed, localDateOf(at, deps.config.timeZone));
  if (missing.length > 0) {
    throw invalid(
      'application_incomplete',
      `the application is missing ${missing.map((m) => m.item).join(', ')}`,
      'documents',
      { missing },
    );
  }
}

/**
 * The decision of a transfer recipient's qualification (its number is another tenant's, and a lifecycle
 * command would be refused): the application's writes and its notice, in one commit, then the notice sent.
 */
export async function commitQualification(
  deps: NumbersDeps,
  writes: readonly NumberWrite[],
  notice: PendingEffect | undefined,
  at: string,
): Promise<void> {
  const committed = await deps.numbers.commit([
    ...writes,
    ...(notice ? [{ kind: 'effect' as const, effect: notice }] : []),
  ]);
  if (!committed) throw conflict('concurrent_update', 'the application changed meanwhile; read it again');
  if (notice) await runEffects(deps, [notice], at);
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
    await commitQualification(deps, writes, undefined, at);
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
