/**
 * DELETE /v1/applications/{id} — withdraw a draft or rejected application, or an approved one whose number
 * never went into service (the approval's fee given back, the contract voided); the number returns to the pool.
 */
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { applicationPath } from '../../../shared/http/schemas/numbers.js';
import { withdrawApplication } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler(
  'withdrawApplication',
  { path: applicationPath },
  async ({ path, principal, now }) => {
    const { application, feesReturned } = await withdrawApplication(
      requireTenant(principal),
      path.id,
      now.toISOString(),
    );
    return {
      body: application,
      audit: { object: `application:${path.id}`, after: { status: application.status, feesReturned } },
    };
  },
);
