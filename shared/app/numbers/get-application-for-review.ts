/**
 * An operator reads one application to review it. Primary course: the application with its documents,
 * each uploaded one with a short-lived download URL (this route only).
 */
import { operatorApplicationView } from '../../domain/numbers/application.js';
import { requireApplication } from './applications.js';
import type { NumbersDeps } from './deps.js';

export async function getApplicationForReview(deps: NumbersDeps, applicationId: string) {
  const app = await requireApplication(deps, applicationId);
  const docs = await deps.applications.documents(applicationId);
  const documents = await deps.documents();
  const view = operatorApplicationView(app, docs);
  const links = await Promise.all(
    docs.map(async (d) =>
      documents.presignDownload && (d.uploaded === true || (await documents.exists(d.objectKey)))
        ? await documents.presignDownload(d.objectKey)
        : undefined,
    ),
  );
  return {
    ...view,
    documents: view.documents.map((d, i) => (links[i] ? { ...d, download: links[i] } : d)),
  };
}
