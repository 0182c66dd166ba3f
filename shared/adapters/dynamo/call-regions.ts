/**
 * Region facts for rating and reports from the compiled caller-region index (shared/geo). There is no
 * fallback: without the index (it ships beside the bundle) the lookup throws, the batch fails and is
 * retried and alarmed, rather than calls being charged by some other local/long-distance rule.
 */
import type { RegionFacts } from '../../domain/calls/region.js';
import { isLocalCall } from '../../geo/caller-region.js';
import { lookupRegion } from '../../geo/lookup.js';

export const geoRegions: RegionFacts = {
  regionOf(number) {
    if (!number) return undefined;
    const region = lookupRegion(number);
    if (!region) return 'unknown';
    return region.province === region.city ? region.city : `${region.province}${region.city}`;
  },
  isLocal(caller, answer) {
    const a = caller ? lookupRegion(caller) : undefined;
    const b = answer ? lookupRegion(answer) : undefined;
    return isLocalCall(a, b);
  },
};
