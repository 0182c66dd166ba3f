import { statementCsv } from '../../../shared/domain/billing/statement.js';
import { apiHandler, requireTenant } from '../../../shared/http/api-handler.js';
import { wantsCsv } from '../../../shared/http/csv.js';
import { statementPath, statementQuery } from '../../../shared/http/schemas/billing.js';
import { billing } from '../../../shared/runtime/billing.js';

export const handler = apiHandler(
  'getStatement',
  { path: statementPath, query: statementQuery },
  async ({ path, query, headers, principal }) => {
    const statement = await billing.getStatement(requireTenant(principal), path.month);
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
