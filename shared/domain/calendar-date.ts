/** Plain calendar dates (YYYY-MM-DD) as tenants send them: real days only (2026-02-30 and 9999-99-99 are not). */
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function isCalendarDate(date: string): boolean {
  if (typeof date !== 'string' || !DATE.test(date)) return false;
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === date;
}
