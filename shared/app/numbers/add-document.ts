/**
 * A tenant registers a document for its application. Primary course: the application is a draft (or
 * rejected, being fixed); the document is recorded under a server-chosen object key and the tenant gets a
 * short-lived upload form (an S3 presigned POST fixing key, content type and size) to send the file with.
 * The object key itself never leaves the server.
 * Variations: an expiry date that is no calendar date or too far ahead is a 400; an application already
 * holding the configured maximum of documents refuses another (409 too_many_documents), counted by the
 * store in the same conditional write as the document, so racing uploads cannot pass the limit; an
 * application submitted meanwhile refuses it too (409 application_locked).
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
  if (!(await deps.applications.addDocument(document, deps.config.maxDocumentsPerApplication))) {
    const now = await requireOwnApplication(deps, tenantId, applicationId);
    if (now.status !== 'draft' && now.status !== 'rejected')
      throw conflict('application_locked', `the application is ${now.status} now; documents are closed`);
    throw conflict(
      'too_many_documents',
      `an application holds at most ${deps.config.maxDocumentsPerApplication} documents`,
    );
  }
  const upload = await (await deps.documents()).presignUpload(
    document.objectKey,
    request.contentType,
    MAX_DOCUMENT_BYTES,
    new Date(at),
  );
  return {
    documentId,
    kind: request.kind,
    upload: {
      method: upload.method,
      url: upload.url,
      ...(upload.fields ? { fields: upload.fields } : {}),
      expiresAt: upload.expiresAt,
      contentType: request.contentType,
      maxBytes: MAX_DOCUMENT_BYTES,
    },
  };
}
