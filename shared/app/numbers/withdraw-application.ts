/** A tenant gives up a draft or rejected application. Primary course: withdrawn, the number back in the pool. */
import { conflict } from '../../domain/errors.js';
import { applicationView } from '../../domain/numbers/application.js';
import { requireOwnApplication, withdraw } from './applications.js';
import type { NumbersDeps } from './deps.js';

export async function withdrawApplication(
  deps: NumbersDeps,
  tenantId: string,
  applicationId: string,
  at: string,
) {
  const app = await requireOwnApplication(deps, tenantId, applicationId);
  if (app.status !== 'draft' && app.status !== 'rejected') {
    throw conflict('invalid_transition', `a ${app.status} application cannot be withdrawn`);
  }
  return applicationView(await withdraw(deps, app, tenantId, at));
}
