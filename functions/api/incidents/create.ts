import { randomUUID } from 'node:crypto';
import { recordIncident } from '../../../shared/adapters/dynamo/incident-store.js';
import { invalid } from '../../../shared/domain/errors.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { createIncidentBody } from '../../../shared/http/schemas/billing.js';

export const handler = apiHandler(
  'createIncident',
  { body: createIncidentBody },
  async ({ body, principal, now }) => {
    const startAt = new Date(body.startAt).toISOString();
    const endAt = new Date(body.endAt).toISOString();
    if (endAt <= startAt) throw invalid('invalid_period', 'endAt must be after startAt', 'endAt');
    if (Date.parse(endAt) > now.getTime())
      throw invalid('incident_in_future', 'endAt must not be in the future', 'endAt');
    const { incident, created } = await recordIncident({
      incidentId: body.incidentId ?? randomUUID(),
      startAt,
      endAt,
      numbers: body.numbers === 'all' ? 'all' : [...new Set(body.numbers)].sort(),
      description: body.description,
      recordedAt: now.toISOString(),
      recordedBy: principal.subject,
    });
    return { status: created ? 201 : 200, body: incident };
  },
);
