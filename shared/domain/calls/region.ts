/**
 * Caller region and local-vs-long-distance, used when the routing capability's geo index
 * (shared/geo) is not available: Chinese fixed-line area codes (010, 02x two digits; others three) name
 * the city; mobile numbers have no fixed city here, so a call involving one counts as long distance.
 */
export interface RegionFacts {
  /** A region label for reports (area code or province/city when the geo index knows it). */
  regionOf(e164: string | undefined): string | undefined;
  /** Caller and answer number are in the same city. */
  isLocal(caller: string | undefined, answer: string | undefined): boolean;
}

function chinaAreaCode(e164: string | undefined): string | undefined {
  if (!e164?.startsWith('+86')) return undefined;
  const national = e164.slice(3);
  if (national.startsWith('1')) return national.startsWith('10') ? '010' : undefined;
  if (national.startsWith('2')) return `0${national.slice(0, 2)}`;
  if (/^[3-9]/.test(national)) return `0${national.slice(0, 3)}`;
  return undefined;
}

export const areaCodeRegions: RegionFacts = {
  regionOf: (e164) =>
    chinaAreaCode(e164) ?? (e164?.startsWith('+861') ? 'mobile' : e164 ? 'other' : undefined),
  isLocal: (caller, answer) => {
    const a = chinaAreaCode(caller);
    return a !== undefined && a === chinaAreaCode(answer);
  },
};
