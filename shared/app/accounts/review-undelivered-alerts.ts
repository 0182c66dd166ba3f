/**
 * Primary course: an operator lists the alerts refused for good across tenants, newest first, a page at a
 * time, each naming its tenant, to see who is affected. Variation: one tenant's alone (`tenantId`).
 */
import { DEFAULT_PAGE_SIZE, type Page } from '../../ports/paging.js';
import type { UndeliveredAlertsPort } from '../../ports/undelivered-alerts.js';
import { type UndeliveredAlertView, undeliveredAlertView } from './undelivered-alert-view.js';

export interface UndeliveredAlertsReviewQuery {
  readonly tenantId?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface ReviewedUndeliveredAlert extends UndeliveredAlertView {
  readonly tenantId: string;
}

export async function reviewUndeliveredAlerts(
  deps: { readonly undelivered: UndeliveredAlertsPort },
  query: UndeliveredAlertsReviewQuery,
): Promise<Page<ReviewedUndeliveredAlert>> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const found =
    query.tenantId !== undefined
      ? await deps.undelivered.forTenant(query.tenantId, limit, query.cursor)
      : await deps.undelivered.all(limit, query.cursor);
  return {
    ...found,
    items: found.items.map((alert) => ({ tenantId: alert.tenantId, ...undeliveredAlertView(alert) })),
  };
}
