import { randomUUID } from 'node:crypto';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { createIncidentBody } from '../../../shared/http/schemas/billing.js';
import { billing } from '../../../shared/runtime/billing.js';

export const handler = apiHandler(
  'createIncident',
  { body: createIncidentBody },
  async ({ body, principal, now }) => {
    const { incident, created } = await billing.recordIncident(
      { ...body, incidentId: body.incidentId ?? randomUUID() },
      principal.subject,
      now,
    );
    return { status: created ? 201 : 200, body: incident };
  },
);
