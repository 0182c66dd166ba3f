/** POST /v1/applications/{id}/documents — register a document and get a presigned URL to PUT the file to. */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { addDocumentBody, applicationPath } from '../../../shared/http/schemas/numbers.js';
import { addDocument } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'addApplicationDocument',
  { path: applicationPath, body: addDocumentBody },
  async ({ path, body, principal, now }) => ({
    status: 201,
    body: await addDocument(requireTenant(principal), path.id, body, now.toISOString()),
  }),
);
