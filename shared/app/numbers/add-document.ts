/**
 * A tenant registers a document for its application. Primary course: the application is a draft (or
 * rejected, being fixed); the document is recorded under a server-chosen object key and the tenant gets a
 * short-lived URL to upload the file to. The object key itself never leaves the server.
 */
import { conflict } from '../../domain/errors.js';
import { type DocumentRecord, MAX_DOCUMENT_BYTES } from '../../domain/numbers/application.js';
import type { DocumentKind } from '../../domain/numbers/applications.js';
import { requireOwnApplication } from './applications.js';
import type { NumbersDeps } from './deps.js';

export interface DocumentRequest {
  readonly kind: DocumentKind;
  readonly contentType: string;
  readonly expiresOn?: string;
}

export async function addDocument(
  deps: NumbersDeps,
  tenantId: string,
  applicationId: string,
  request: DocumentRequest,
  at: string,
) {
  const app = await requireOwnApplication(deps, tenantId, applicationId);
  if (app.status !== 'draft' && app.status !== 'rejected') {
    throw conflict(
      'application_locked',
      `documents can be added to a draft or rejected application, not a ${app.status} one`,
    );
  }
  const documentId = `doc_${deps.newId()}`;
  const document: DocumentRecord = {
    documentId,
    applicationId,
    kind: request.kind,
    contentType: request.contentType,
    objectKey: `applications/${tenantId}/${applicationId}/${documentId}`,
    ...(request.expiresOn ? { expiresOn: request.expiresOn } : {}),
    createdAt: at,
  };
  await deps.applications.addDocument(document);
  const upload = await (await deps.documents()).presignUpload(
    document.objectKey,
    request.contentType,
    MAX_DOCUMENT_BYTES,
  );
  return {
    documentId,
    kind: request.kind,
    upload: {
      method: 'PUT',
      url: upload.url,
      expiresAt: upload.expiresAt,
      contentType: request.contentType,
      maxBytes: MAX_DOCUMENT_BYTES,
    },
  };
}
