/**
 * Primary course: an operator records a service outage (closed: it has an end), which earns the affected
 * numbers SLA credits in the run of its month, or a later run if recorded after that one started.
 *
 * Variations: an end not after the start, or in the future, is refused; the same incident id again is
 * idempotent with the same period and numbers, and a conflict with others.
 */
import { conflict, invalid } from '../../domain/errors.js';
import type { IncidentStore, StoredIncident } from '../../ports/incidents.js';

export interface RecordIncidentRequest {
  readonly incidentId: string;
  readonly startAt: string;
  readonly endAt: string;
  readonly numbers: readonly string[] | 'all';
  readonly description: string;
}

export async function recordIncident(
  deps: { readonly incidents: IncidentStore },
  request: RecordIncidentRequest,
  ctx: { readonly recordedBy: string; readonly now: Date },
): Promise<{ incident: StoredIncident; created: boolean }> {
  const startAt = new Date(request.startAt).toISOString();
  const endAt = new Date(request.endAt).toISOString();
  if (endAt <= startAt) throw invalid('invalid_period', 'endAt must be after startAt', 'endAt');
  if (Date.parse(endAt) > ctx.now.getTime())
    throw invalid('incident_in_future', 'endAt must not be in the future', 'endAt');
  const incident: StoredIncident = {
    incidentId: request.incidentId,
    startAt,
    endAt,
    numbers: request.numbers === 'all' ? 'all' : [...new Set(request.numbers)].sort(),
    description: request.description,
    recordedAt: ctx.now.toISOString(),
    recordedBy: ctx.recordedBy,
  };
  if (await deps.incidents.create(incident)) return { incident, created: true };
  const existing = await deps.incidents.get(incident.incidentId);
  const same =
    existing &&
    existing.startAt === incident.startAt &&
    existing.endAt === incident.endAt &&
    JSON.stringify(existing.numbers) === JSON.stringify(incident.numbers);
  if (!existing || !same)
    throw conflict('incident_exists', `incident ${incident.incidentId} was recorded with other details`);
  return { incident: existing, created: false };
}
