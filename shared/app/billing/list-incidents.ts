/** Primary course: operators list recorded incidents, newest start first, a page at a time. */
import type { IncidentStore, StoredIncident } from '../../ports/incidents.js';
import type { Page } from '../../ports/paging.js';

export async function listIncidents(
  deps: { readonly incidents: IncidentStore },
  page: { readonly limit: number; readonly cursor?: string | undefined },
): Promise<Page<StoredIncident>> {
  return deps.incidents.list(page.limit, page.cursor);
}
