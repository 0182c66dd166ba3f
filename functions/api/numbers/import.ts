/** POST /v1/inventory/numbers — operators load numbers in bulk (idempotent; malformed files are refused whole). */
import { apiHandler } from '../../../shared/http/api-handler.js';
import { importNumbersBody } from '../../../shared/http/schemas/numbers.js';
import { importNumbers } from '../../../shared/runtime/numbers.js';

export const handler = apiHandler('importNumbers', { body: importNumbersBody }, async ({ body, now }) => {
  const report = await importNumbers(body.numbers, now.toISOString());
  return {
    body: {
      imported: report.imported.length,
      duplicates: report.duplicates,
      importedNumbers: report.imported,
    },
  };
});
