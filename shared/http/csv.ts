/**
 * Whether a request asks for CSV: `?format=csv`, or no format and an Accept header naming text/csv. The
 * CSV routes answer by it and the rate limiter counts by it, so both must agree.
 */
export function wantsCsv(
  format: string | undefined,
  headers: Readonly<Record<string, string | undefined>> | undefined,
): boolean {
  if (format !== undefined) return format === 'csv';
  return /\btext\/csv\b/i.test(headers?.accept ?? headers?.Accept ?? '');
}
