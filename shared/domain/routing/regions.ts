/** Comparing place names however written, and the 大区 of a province (the table lives once, in shared/geo). */
import { regionGroupOf } from '../../geo/provinces.js';
import type { RegionGroup } from './types.js';

/**
 * Built from strings, not a regular-expression literal: bundlers escape non-ASCII in strings but not in
 * regex literals, and one non-ASCII character makes V8 hold the routing Lambda's whole source as a two-byte
 * string, twice the young heap at its cold import (a second scavenge: bench/routing.ts, test/infra/bundling.test.ts).
 */
const ADMINISTRATIVE_SUFFIX = new RegExp(
  `(${['特别行政区', '维吾尔自治区', '壮族自治区', '回族自治区', '自治区', '自治州', '地区', '省', '市'].join('|')})$`,
  'u',
);

/** "广东省" → "广东", "广西壮族自治区" → "广西", "北京市" → "北京": names compare equal however written. */
export function regionKey(name: string): string {
  return name.trim().replace(ADMINISTRATIVE_SUFFIX, '').trim();
}

export function regionGroupOfProvince(province: string): RegionGroup | undefined {
  return regionGroupOf(province.trim()) ?? regionGroupOf(regionKey(province));
}
