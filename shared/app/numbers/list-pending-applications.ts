/** Operators list the review queue. Primary course: submitted applications, oldest first, with their documents. */
import { type ApplicationView, operatorApplicationView } from '../../domain/numbers/application.js';
import type { Page } from '../../ports/paging.js';
import type { NumbersDeps } from './deps.js';

export async function listPendingApplications(
  deps: NumbersDeps,
  limit: number,
  cursor: string | undefined,
): Promise<Page<ApplicationView>> {
  const page = await deps.applications.listPending({ limit, ...(cursor !== undefined ? { cursor } : {}) });
  const items = await Promise.all(
    page.items.map(async (a) =>
      operatorApplicationView(a, await deps.applications.documents(a.applicationId)),
    ),
  );
  return { ...page, items };
}
