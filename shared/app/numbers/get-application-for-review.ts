/**
 * An operator reads one application to review it. Primary course: the application with its documents, each
 * one frozen at submission with its SHA-256 and a short-lived download URL of exactly that stored version
 * (this route only), so a file uploaded after submission changes nothing under review.
 * Variation: an application never submitted has nothing frozen; its uploaded files are shown as they are.
 */
import { operatorApplicationView } from '../../domain/numbers/application.js';
import { requireApplication } from './applications.js';
import type { NumbersDeps } from './deps.js';

export async function getApplicationForReview(deps: NumbersDeps, applicationId: string, now: Date) {
  const app = await requireApplication(deps, applicationId);
  const docs = await deps.applications.documents(applicationId);
  const documents = await deps.documents();
  const view = operatorApplicationView(app, docs);
  const frozen = app.frozenDocuments && new Map(app.frozenDocuments.map((f) => [f.documentId, f.versionId]));
  const links = await Promise.all(
    docs.map(async (d) => {
      if (frozen) {
        const versionId = frozen.get(d.documentId);
        return versionId ? await documents.presignDownload(d.objectKey, now, versionId) : undefined;
      }
      return (await documents.exists(d.objectKey))
        ? await documents.presignDownload(d.objectKey, now)
        : undefined;
    }),
  );
  return {
    ...view,
    documents: view.documents.map((d, i) => (links[i] ? { ...d, download: links[i] } : d)),
  };
}
