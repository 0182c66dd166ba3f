import { getStatement } from '../../../shared/adapters/dynamo/statement-store.js';
import { statementCsv } from '../../../shared/domain/billing/statement.js';
import { notFound } from '../../../shared/domain/errors.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { wantsCsv } from '../../../shared/http/csv.js';
import { statementPath, statementQuery } from '../../../shared/http/schemas/billing.js';

export const handler = apiHandler(
  'getStatement',
  { path: statementPath, query: statementQuery },
  async ({ path, query, headers, principal }) => {
    const tenantId = requireTenant(principal);
    const statement = await getStatement(tenantId, path.month);
    if (!statement) throw notFound('statement_not_found', `no statement for ${path.month} yet`);
    if (!wantsCsv(query.format, headers)) return { body: statement };
    return {
      text: statementCsv(statement),
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="statement-${path.month}.csv"`,
      },
    };
  },
);
