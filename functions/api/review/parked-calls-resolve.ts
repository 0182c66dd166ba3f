/**
 * POST /v1/review/parked-calls/{contactId}/resolution — operators charge a parked record through the charging
 * path (to the tenant that held the number when the call started) or dismiss it with a reason; once.
 */
import { invalid } from '../../../shared/domain/errors.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { callPath, parkedResolutionBody } from '../../../shared/http/schemas/money.js';
import { parkedRecords } from '../../../shared/runtime/parked-records.js';

export const handler = apiHandler(
  'resolveParkedCall',
  { path: callPath, body: parkedResolutionBody },
  async ({ path, body, principal, now }) => {
    if (body.action === 'charge' && body.reason !== undefined)
      throw invalid('unexpected_reason', 'a charge takes no reason', 'reason');
    if (body.action === 'dismiss' && body.reason === undefined)
      throw invalid('reason_required', 'say why the record is dismissed', 'reason');
    const { before, after } = await parkedRecords.resolve({
      contactId: path.contactId,
      request:
        body.action === 'dismiss' ? { action: 'dismiss', reason: body.reason ?? '' } : { action: 'charge' },
      by: principal.subject,
      now,
    });
    return {
      body: after,
      // Filed under the tenant charged (it sees, as "operator", who charged it), else platform-wide.
      audit: {
        ...(after.resolution?.tenantId ? { tenantId: after.resolution.tenantId } : {}),
        object: `parked-call:${path.contactId}`,
        before: { status: before.status, code: before.code, number: before.number },
        after: {
          status: after.status,
          tenantId: after.resolution?.tenantId ?? null,
          amount: after.resolution?.amount ?? null,
          reason: after.resolution?.reason ?? null,
        },
      },
    };
  },
);
