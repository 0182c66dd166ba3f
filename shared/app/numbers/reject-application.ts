/**
 * An operator rejects a submitted application. Primary course: with reasons (and optional text), the
 * application waits for its fix as long as a draft waits for its documents, the number stays with the
 * tenant as rejected, both in one commit, and the reasons reach the tenant durably (a notice recorded with
 * the decision, retried if SNS fails).
 */
import { conflict } from '../../domain/errors.js';
import { operatorApplicationView, withStatus } from '../../domain/numbers/application.js';
import { type Rejection, validateRejection } from '../../domain/numbers/applications.js';
import { noticeEffect, type PendingEffect } from '../../ports/number-effect-store.js';
import type { NumberWrite } from '../../ports/number-store.js';
import { commitQualification, requireApplication } from './applications.js';
import type { NumbersDeps } from './deps.js';
import { holdExtended } from './holds.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

export async function rejectApplication(
  deps: NumbersDeps,
  applicationId: string,
  rejection: Rejection,
  operator: string,
  at: string,
) {
  validateRejection(rejection);
  const app = await requireApplication(deps, applicationId);
  if (app.status !== 'submitted')
    throw conflict('invalid_transition', `a ${app.status} application cannot be rejected`);
  const next = withStatus(
    app,
    'rejected',
    {
      at,
      event: 'rejected',
      by: operator,
      reasons: rejection.reasons,
      ...(rejection.text ? { text: rejection.text } : {}),
    },
    { decidedAt: at, lastRejection: { ...rejection, at } },
    deps.config.draftApplicationDays,
  );
  const notice = (effectId: string): PendingEffect =>
    noticeEffect(effectId, at, {
      tenantId: app.tenantId,
      kind: 'application_decided',
      template: 'application_rejected',
      params: {
        number: app.number,
        reasons: `${rejection.reasons.join(', ')}${rejection.text ? ` (${rejection.text})` : ''}`,
      },
      dedupeKey: `application#${applicationId}#${next.version}`,
    });
  // The number stays the tenant's to fix and resubmit, counted as a hold until its fix-by date.
  const writes = async (): Promise<NumberWrite[]> => [
    { kind: 'application', application: next, expectedVersion: app.version },
    await holdExtended(deps, app.tenantId, app.number, next.draftExpiresAt ?? at, at),
  ];
  // Variation: a transfer recipient's qualification: the offered number stays as it is.
  if (app.transfer) {
    const decision = notice(`${applicationId}#v${next.version}#decision`);
    await commitQualification(deps, [...(await writes()), { kind: 'effect', effect: decision }], at);
    return operatorApplicationView(next);
  }
  await runLifecycleCommand(
    deps,
    app.number,
    { type: 'reject' },
    { at, actor: operator, note: rejection.reasons.join(',') },
    {
      writes,
      effects: (_number, numberNext) => [
        notice(`${app.number}#v${String(numberNext.version).padStart(8, '0')}#decision`),
      ],
    },
  );
  return operatorApplicationView(next);
}
