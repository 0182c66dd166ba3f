/**
 * Where a Chinese phone number is registered, as libphonenumber's zh geocoding data says, and the one
 * rating rule built on it (local vs long distance). Pure: no I/O.
 */
import type { RegionGroup } from './provinces.js';

export type LineType = 'mobile' | 'fixed';

export interface CallerRegion {
  /** As the data spells it: 广东省, 北京市, 内蒙古. */
  readonly province: string;
  /** GB/T 2260 two-digit province code, e.g. '44'. */
  readonly provinceId: string;
  readonly regionGroup: RegionGroup;
  /** 深圳市; for a municipality the municipality itself (北京市). */
  readonly city: string;
  /** `<provinceId>:<city>`, e.g. '44:深圳市' — stable as long as the data keeps the city's name. */
  readonly cityId: string;
  /**
   * Every city the entry names, `city` first. Several when one area code serves several cities
   * (024 → 沈阳市、铁岭市、抚顺市).
   */
  readonly cities: readonly string[];
  /**
   * Long-distance area code with its trunk 0 ('010', '0755'): the dialled one for fixed lines; for mobile
   * ranges the code the data ties to the city, absent when it ties none or several (e.g. 资阳市).
   */
  readonly areaCode?: string;
  readonly lineType: LineType;
  /** Original carrier of a mobile range (中国移动 …); numbers may since have been ported. */
  readonly carrier?: string;
}

/**
 * Same local network → local call, else long distance. Two regions share a local network when they have
 * the same area code or the same province and at least one city in common (a mobile number of 铁岭市 and
 * the shared 024 area). Unknown regions are long distance: a call is never rated cheaper on a guess.
 */
export function isLocalCall(caller: CallerRegion | undefined, answer: CallerRegion | undefined): boolean {
  if (!caller || !answer) return false;
  if (caller.areaCode !== undefined && caller.areaCode === answer.areaCode) return true;
  if (caller.provinceId !== answer.provinceId) return false;
  return caller.cities.some((city) => answer.cities.includes(city));
}
