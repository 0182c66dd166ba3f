/** Service incidents recorded by operators (the source of SLA credits). */
import type { ServiceIncident } from '../domain/billing/types.js';
import type { Page } from './paging.js';

export interface StoredIncident extends ServiceIncident {
  readonly recordedAt: string;
  readonly recordedBy: string;
}

export interface IncidentStore {
  /** Stores a new incident; false when one with that id exists. */
  create(incident: StoredIncident): Promise<boolean>;
  get(incidentId: string): Promise<StoredIncident | undefined>;
  /** Incidents overlapping [startAt, endAt). */
  overlapping(startAt: string, endAt: string): Promise<StoredIncident[]>;
  /** Newest start first. */
  list(limit: number, cursor?: string): Promise<Page<StoredIncident>>;
}
