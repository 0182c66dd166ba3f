/**
 * A tenant registers a document for its application. Primary course: the application is a draft (or
 * rejected, being fixed); the document is recorded under a server-chosen object key and the tenant gets a
 * short-lived URL to upload the file to. The object key itself never leaves the server.
 * Variations: an expiry date that is no calendar date or too far ahead is a 400; an application already
 * holding the configured maximum of documents refuses another (409 too_many_documents).
 */
import { conflict } from '../../domain/errors.js';
import {
  checkDocumentExpiry,
  type DocumentRecord,
  MAX_DOCUMENT_BYTES,
} from '../../domain/numbers/application.js';
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
  if (request.expiresOn !== undefined) checkDocumentExpiry(request.expiresOn, at);
  // Counted before the write: two concurrent uploads may both pass at the limit; the store has no counter.
  const existing = await deps.applications.documents(applicationId);
  if (existing.length >= deps.config.maxDocumentsPerApplication) {
    throw conflict(
      'too_many_documents',
      `an application holds at most ${deps.config.maxDocumentsPerApplication} documents`,
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
