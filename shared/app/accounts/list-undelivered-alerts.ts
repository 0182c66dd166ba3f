/**
 * Primary course: a tenant lists its alerts that were refused for good (the whole alert at the hand-over, or a
 * recipient the SMS or e-mail provider refused), newest first, a page at a time, so it learns that an alert it
 * configured reaches nobody. Only its own: the tenant is the list's partition, never a filter.
 */
import { DEFAULT_PAGE_SIZE, type Page } from '../../ports/paging.js';
import type { UndeliveredAlertsPort } from '../../ports/undelivered-alerts.js';
import { type UndeliveredAlertView, undeliveredAlertView } from './undelivered-alert-view.js';

export async function listUndeliveredAlerts(
  deps: { readonly undelivered: UndeliveredAlertsPort },
  tenantId: string,
  page: { readonly limit?: number; readonly cursor?: string },
): Promise<Page<UndeliveredAlertView>> {
  const found = await deps.undelivered.forTenant(tenantId, page.limit ?? DEFAULT_PAGE_SIZE, page.cursor);
  return { ...found, items: found.items.map(undeliveredAlertView) };
}
