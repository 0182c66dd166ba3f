/** Primary course: a tenant lists its statements, newest month first, a page at a time, without lines. */
import type { Page } from '../../ports/paging.js';
import type { StatementStore, StatementSummary } from '../../ports/statements.js';

export async function listStatements(
  deps: { readonly statements: StatementStore },
  tenantId: string,
  page: { readonly limit: number; readonly cursor?: string | undefined },
): Promise<Page<StatementSummary>> {
  return deps.statements.list(tenantId, page.limit, page.cursor);
}
