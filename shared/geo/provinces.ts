/**
 * Province-level geography: the 大区 (region group) split and the GB/T 2260 province codes used as stable
 * ids. This is geography, not phone data, so it is a small constant table; `name` is spelled exactly as
 * the libphonenumber zh geocoding data spells it (autonomous regions appear there without 自治区), which
 * the unit tests check against every province the data names.
 */

export type RegionGroup =
  | 'north_china'
  | 'northeast'
  | 'east_china'
  | 'central_china'
  | 'south_china'
  | 'southwest'
  | 'northwest'
  | 'hk_mo_tw';

export const REGION_GROUPS: readonly RegionGroup[] = [
  'north_china',
  'northeast',
  'east_china',
  'central_china',
  'south_china',
  'southwest',
  'northwest',
  'hk_mo_tw',
];

export interface Province {
  /** As the zh geocoding data spells it, e.g. 广东省, 北京市, 内蒙古. */
  readonly name: string;
  /** Common short form, e.g. 广东, 北京. */
  readonly short: string;
  /** Official full name, e.g. 内蒙古自治区. */
  readonly official: string;
  /** GB/T 2260 two-digit code, e.g. '44'. */
  readonly id: string;
  readonly group: RegionGroup;
}

const p = (name: string, short: string, id: string, group: RegionGroup, official = name): Province => ({
  name,
  short,
  official,
  id,
  group,
});

export const PROVINCES: readonly Province[] = [
  p('北京市', '北京', '11', 'north_china'),
  p('天津市', '天津', '12', 'north_china'),
  p('河北省', '河北', '13', 'north_china'),
  p('山西省', '山西', '14', 'north_china'),
  p('内蒙古', '内蒙古', '15', 'north_china', '内蒙古自治区'),
  p('辽宁省', '辽宁', '21', 'northeast'),
  p('吉林省', '吉林', '22', 'northeast'),
  p('黑龙江省', '黑龙江', '23', 'northeast'),
  p('上海市', '上海', '31', 'east_china'),
  p('江苏省', '江苏', '32', 'east_china'),
  p('浙江省', '浙江', '33', 'east_china'),
  p('安徽省', '安徽', '34', 'east_china'),
  p('福建省', '福建', '35', 'east_china'),
  p('江西省', '江西', '36', 'east_china'),
  p('山东省', '山东', '37', 'east_china'),
  p('河南省', '河南', '41', 'central_china'),
  p('湖北省', '湖北', '42', 'central_china'),
  p('湖南省', '湖南', '43', 'central_china'),
  p('广东省', '广东', '44', 'south_china'),
  p('广西', '广西', '45', 'south_china', '广西壮族自治区'),
  p('海南省', '海南', '46', 'south_china'),
  p('重庆市', '重庆', '50', 'southwest'),
  p('四川省', '四川', '51', 'southwest'),
  p('贵州省', '贵州', '52', 'southwest'),
  p('云南省', '云南', '53', 'southwest'),
  p('西藏', '西藏', '54', 'southwest', '西藏自治区'),
  p('陕西省', '陕西', '61', 'northwest'),
  p('甘肃省', '甘肃', '62', 'northwest'),
  p('青海省', '青海', '63', 'northwest'),
  p('宁夏', '宁夏', '64', 'northwest', '宁夏回族自治区'),
  p('新疆', '新疆', '65', 'northwest', '新疆维吾尔自治区'),
  // Outside the +86 numbering plan (own country codes), listed so routing rules can name them.
  p('台湾省', '台湾', '71', 'hk_mo_tw'),
  p('香港', '香港', '81', 'hk_mo_tw', '香港特别行政区'),
  p('澳门', '澳门', '82', 'hk_mo_tw', '澳门特别行政区'),
];

const byAnyName = new Map<string, Province>();
for (const province of PROVINCES) {
  for (const key of [province.name, province.short, province.official, province.id])
    byAnyName.set(key, province);
}

/** Finds a province by its data name, short name, official name or GB/T 2260 code. */
export function provinceOf(nameOrId: string): Province | undefined {
  return byAnyName.get(nameOrId);
}

/** The 大区 a province belongs to; undefined for a name that is not a province. */
export function regionGroupOf(province: string): RegionGroup | undefined {
  return byAnyName.get(province)?.group;
}

export interface RegionName {
  readonly province: Province;
  /** Cities the entry names, in data order, without duplicates; for a municipality the municipality. */
  readonly cities: readonly string[];
}

// Longest names first so 黑龙江省 is tried before any shorter name it could start with.
const prefixes = [...PROVINCES]
  .flatMap((province) => [
    { text: province.name, province },
    { text: province.short, province },
  ])
  .sort((a, b) => b.text.length - a.text.length);

/**
 * Splits a zh geocoding description into province and cities: 广东省深圳市 → 广东省 / [深圳市],
 * 辽宁省沈阳市、铁岭市、抚顺市 (one area code shared by several cities) → 辽宁省 / [沈阳市, 铁岭市, 抚顺市],
 * 北京市 → 北京市 / [北京市]. The data once spells 天津 without 市; the short name covers that.
 */
export function splitRegionName(description: string): RegionName | undefined {
  const match = prefixes.find((candidate) => description.startsWith(candidate.text));
  if (!match) return undefined;
  const rest = description.slice(match.text.length);
  const cities =
    rest === '' ? [match.province.name] : [...new Set(rest.split('、').filter((city) => city !== ''))];
  if (cities.length === 0) return undefined;
  return { province: match.province, cities };
}
