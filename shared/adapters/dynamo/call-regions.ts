/**
 * Region facts for rating and reports from the compiled caller-region index (shared/geo); falls back to
 * area-code rules when the index file is not available (local tools without the data).
 */

import { areaCodeRegions, type RegionFacts } from '../../domain/calls/region.js';
import { type CallerRegion, isLocalCall } from '../../geo/caller-region.js';
import { lookupRegion } from '../../geo/lookup.js';
import { logger } from '../../observability.js';

function safeLookup(number: string | undefined): CallerRegion | undefined | null {
  if (!number) return undefined;
  try {
    return lookupRegion(number);
  } catch (error) {
    logger.warn('caller-region index unavailable; using area codes', { error: error as Error });
    return null;
  }
}

export const geoRegions: RegionFacts = {
  regionOf(number) {
    const region = safeLookup(number);
    if (region === null) return areaCodeRegions.regionOf(number);
    if (!region) return number ? 'unknown' : undefined;
    return region.province === region.city ? region.city : `${region.province}${region.city}`;
  },
  isLocal(caller, answer) {
    const a = safeLookup(caller);
    const b = safeLookup(answer);
    if (a === null || b === null) return areaCodeRegions.isLocal(caller, answer);
    return isLocalCall(a, b);
  },
};
