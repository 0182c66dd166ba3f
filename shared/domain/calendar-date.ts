/** Plain calendar dates (YYYY-MM-DD) as tenants send them: real days only (2026-02-30 and 9999-99-99 are not). */
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function isCalendarDate(date: string): boolean {
  if (typeof date !== 'string' || !DATE.test(date)) return false;
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === date;
}

/** An ISO-8601 instant (extended form): seconds and a fraction optional, any offset (Z, +08:00, -05:30). */
const INSTANT =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** A real instant: the date part is a real calendar day in its own offset (2026-02-30T00:00+08:00 is not). */
export function isInstant(text: string): boolean {
  const match = typeof text === 'string' ? INSTANT.exec(text) : null;
  return !!match && isCalendarDate(match[1] ?? '') && !Number.isNaN(Date.parse(text));
}

/** An instant in epoch seconds (DynamoDB TTL attributes hold them). */
export function epochSeconds(instant: string): number {
  return Math.floor(Date.parse(instant) / 1000);
}

/** `days` after an instant, in epoch seconds: what a DynamoDB TTL attribute holds for an item kept that long. */
export function epochSecondsAfterDays(instant: string, days: number): number {
  return epochSeconds(instant) + days * 86_400;
}

/** The instant in UTC ISO form (what stores compare), for a string `isInstant` accepted. */
export function utcInstant(text: string): string {
  return new Date(Date.parse(text)).toISOString();
}
