/**
 * Wall-clock time in an IANA zone, the one implementation every rule uses (business hours, off-peak bands,
 * the daily cap's midnight, billing days). Fast enough for rating: the zone's UTC offset is asked of Intl
 * once per zone and UTC hour and cached (offsets change on hour boundaries in the zones we serve; the cache
 * is keyed by the hour the instant falls in).
 */
const HOUR_MS = 3_600_000;
const offsetCache = new Map<string, Map<number, number>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

function computeOffset(zone: string, epochMs: number): number {
  const parts = formatter(zone).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** Milliseconds to add to a UTC instant to get the zone's wall clock. */
export function zoneOffsetMs(zone: string, epochMs: number): number {
  let byHour = offsetCache.get(zone);
  if (!byHour) {
    byHour = new Map();
    offsetCache.set(zone, byHour);
  }
  const hour = Math.floor(epochMs / HOUR_MS);
  let offset = byHour.get(hour);
  if (offset === undefined) {
    offset = computeOffset(zone, hour * HOUR_MS);
    if (byHour.size > 100_000) byHour.clear();
    byHour.set(hour, offset);
  }
  return offset;
}

/** ISO weekday (1 = Monday) and hour of an instant in a zone. */
export function localWeekdayHour(zone: string, epochMs: number): { weekday: number; hour: number } {
  const local = epochMs + zoneOffsetMs(zone, epochMs);
  const days = Math.floor(local / 86_400_000);
  // 1970-01-01 was a Thursday (ISO 4).
  const weekday = ((((days + 3) % 7) + 7) % 7) + 1;
  const hour = Math.floor((local - days * 86_400_000) / HOUR_MS);
  return { weekday, hour };
}

/** The local calendar day (YYYY-MM-DD) of an instant in a zone. */
export function localDay(zone: string, epochMs: number): string {
  return new Date(epochMs + zoneOffsetMs(zone, epochMs)).toISOString().slice(0, 10);
}

/** The local month (YYYY-MM) of an instant in a zone. */
export function localMonth(zone: string, epochMs: number): string {
  return localDay(zone, epochMs).slice(0, 7);
}

/** The UTC instant at which the local day after `epochMs` starts (local midnight). */
export function nextLocalMidnight(zone: string, epochMs: number): number {
  const local = epochMs + zoneOffsetMs(zone, epochMs);
  const nextLocalDayStart = (Math.floor(local / 86_400_000) + 1) * 86_400_000;
  // Offsets around midnight are stable in practice; use the offset valid just before the boundary.
  return nextLocalDayStart - zoneOffsetMs(zone, nextLocalDayStart - zoneOffsetMs(zone, epochMs) - 1);
}

/** The local date (YYYY-MM-DD), ISO weekday (1 = Monday) and minutes since local midnight of an instant. */
export function localClock(
  zone: string,
  epochMs: number,
): { date: string; weekday: number; minutes: number } {
  const local = epochMs + zoneOffsetMs(zone, epochMs);
  const days = Math.floor(local / 86_400_000);
  return {
    date: new Date(days * 86_400_000).toISOString().slice(0, 10),
    weekday: ((((days + 3) % 7) + 7) % 7) + 1,
    minutes: Math.floor((local - days * 86_400_000) / 60_000),
  };
}

/** The UTC instant a local date (YYYY-MM-DD) begins in a zone (two passes settle a DST change). */
export function startOfLocalDay(zone: string, date: string): number {
  const naive = Date.parse(`${date}T00:00:00Z`);
  const guess = naive - zoneOffsetMs(zone, naive);
  return naive - zoneOffsetMs(zone, guess);
}

/** An instant as the zone's wall clock with its offset, e.g. 2026-11-24T10:00:00+08:00 (seconds precision). */
export function localIsoTime(zone: string, epochMs: number): string {
  const offset = zoneOffsetMs(zone, epochMs);
  const wall = new Date(Math.floor(epochMs / 1000) * 1000 + offset).toISOString().slice(0, 19);
  const minutes = Math.round(Math.abs(offset) / 60_000);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${wall}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}
