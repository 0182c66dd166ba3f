/**
 * The caller-region lookup the routing decision uses, backed by the compiled geo index (shared/geo).
 * The index loads once per process (warm it at init); a missing or unreadable index means "region
 * unknown" (calls fall back to the default destination), never a failed call.
 */
import type { RegionGroup, RegionLookup } from '../../domain/routing/types.js';
import { lookupRegion, warmGeoIndex } from '../../geo/lookup.js';

let available: boolean | undefined;

/** Loads the index now; false when it is missing (logged by the caller, calls still route). */
export function warmCallerRegions(): boolean {
  if (available === undefined) {
    try {
      warmGeoIndex();
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

const lookup: RegionLookup = (caller) => {
  const region = lookupRegion(caller);
  return region
    ? { province: region.province, city: region.city, group: region.regionGroup as RegionGroup }
    : undefined;
};

export async function callerRegionLookup(): Promise<RegionLookup | undefined> {
  return warmCallerRegions() ? lookup : undefined;
}
