/** Province names and the standard region groups they belong to (pure; no data files). */
import type { RegionGroup } from './types.js';

const GROUP_OF: Readonly<Record<string, RegionGroup>> = {
  北京: 'north_china',
  天津: 'north_china',
  河北: 'north_china',
  山西: 'north_china',
  内蒙古: 'north_china',
  辽宁: 'northeast',
  吉林: 'northeast',
  黑龙江: 'northeast',
  上海: 'east_china',
  江苏: 'east_china',
  浙江: 'east_china',
  安徽: 'east_china',
  福建: 'east_china',
  江西: 'east_china',
  山东: 'east_china',
  河南: 'central_china',
  湖北: 'central_china',
  湖南: 'central_china',
  广东: 'south_china',
  广西: 'south_china',
  海南: 'south_china',
  重庆: 'southwest',
  四川: 'southwest',
  贵州: 'southwest',
  云南: 'southwest',
  西藏: 'southwest',
  陕西: 'northwest',
  甘肃: 'northwest',
  青海: 'northwest',
  宁夏: 'northwest',
  新疆: 'northwest',
  香港: 'hk_mo_tw',
  澳门: 'hk_mo_tw',
  台湾: 'hk_mo_tw',
};

/** "广东省" → "广东", "广西壮族自治区" → "广西", "北京市" → "北京": names compare equal however written. */
export function regionKey(name: string): string {
  return name
    .trim()
    .replace(/(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|省|市)$/u, '')
    .trim();
}

export function regionGroupOfProvince(province: string): RegionGroup | undefined {
  return GROUP_OF[regionKey(province)];
}
