/** A tenant reads one of its applications, with its documents (never their keys or URLs) and history. */
import { applicationView } from '../../domain/numbers/application.js';
import { requireOwnApplication } from './applications.js';
import type { NumbersDeps } from './deps.js';

export async function getApplication(deps: NumbersDeps, tenantId: string, applicationId: string) {
  const app = await requireOwnApplication(deps, tenantId, applicationId);
  return applicationView(app, await deps.applications.documents(applicationId));
}
