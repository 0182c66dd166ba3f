import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLibraryData } from '../../shared/geo/build/compile.js';
import { type CallerRegion, isLocalCall } from '../../shared/geo/caller-region.js';
import { geoIndex } from '../../shared/geo/lookup.js';
import {
  PROVINCES,
  provinceOf,
  REGION_GROUPS,
  type RegionGroup,
  regionGroupOf,
  splitRegionName,
} from '../../shared/geo/provinces.js';

describe('regionGroupOf', () => {
  const expected: Record<RegionGroup, string[]> = {
    north_china: ['北京', '天津', '河北', '山西', '内蒙古'],
    northeast: ['辽宁', '吉林', '黑龙江'],
    east_china: ['上海', '江苏', '浙江', '安徽', '福建', '江西', '山东'],
    central_china: ['河南', '湖北', '湖南'],
    south_china: ['广东', '广西', '海南'],
    southwest: ['重庆', '四川', '贵州', '云南', '西藏'],
    northwest: ['陕西', '甘肃', '青海', '宁夏', '新疆'],
    hk_mo_tw: ['香港', '澳门', '台湾'],
  };

  it.each(Object.entries(expected))('puts the %s provinces in their group', (group, shortNames) => {
    for (const short of shortNames) expect(regionGroupOf(short), short).toBe(group);
  });

  it('covers the 31 mainland provinces plus Hong Kong, Macau and Taiwan, each once', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(new Set(PROVINCES.map((province) => province.id)).size).toBe(34);
    expect(new Set(PROVINCES.map((province) => province.name)).size).toBe(34);
    expect(PROVINCES.filter((province) => province.group !== 'hk_mo_tw')).toHaveLength(31);
    for (const group of REGION_GROUPS) {
      expect(PROVINCES.some((province) => province.group === group)).toBe(true);
    }
  });

  it('accepts the data name, short name, official name and GB/T 2260 code', () => {
    expect(regionGroupOf('广东省')).toBe('south_china');
    expect(regionGroupOf('内蒙古自治区')).toBe('north_china');
    expect(regionGroupOf('新疆维吾尔自治区')).toBe('northwest');
    expect(provinceOf('44')?.name).toBe('广东省');
    expect(regionGroupOf('火星')).toBeUndefined();
    expect(regionGroupOf('')).toBeUndefined();
  });

  it('maps every province the library data names, spelled exactly as the data spells it', () => {
    const { geocodes } = readLibraryData();
    const provinces = new Set<string>();
    for (const description of new Set(Object.values(geocodes))) {
      const split = splitRegionName(description);
      expect(split, description).toBeDefined();
      if (!split) continue;
      provinces.add(split.province.name);
      // the split keeps the data's own spelling: the description starts with the province as named
      expect(description.startsWith(split.province.name) || description === split.province.short).toBe(true);
    }
    expect(provinces.size).toBe(31);
    for (const name of provinces) expect(regionGroupOf(name), name).toBeDefined();
  });

  it('maps every province in the compiled index to a group', () => {
    for (const region of geoIndex().regions) {
      expect(regionGroupOf(region.province)).toBe(region.regionGroup);
    }
  });
});

describe('splitRegionName', () => {
  it.each([
    ['广东省深圳市', '广东省', ['深圳市']],
    ['北京市', '北京市', ['北京市']],
    ['天津', '天津市', ['天津市']],
    ['内蒙古呼和浩特市', '内蒙古', ['呼和浩特市']],
    ['黑龙江省大兴安岭地区', '黑龙江省', ['大兴安岭地区']],
    ['辽宁省沈阳市、铁岭市、抚顺市', '辽宁省', ['沈阳市', '铁岭市', '抚顺市']],
    ['湖北省襄樊市、襄樊市', '湖北省', ['襄樊市']],
    ['吉林省吉林市', '吉林省', ['吉林市']],
  ])('%s → %s %j', (description, province, cities) => {
    const split = splitRegionName(description);
    expect(split?.province.name).toBe(province);
    expect(split?.cities).toEqual(cities);
  });

  it('refuses descriptions outside the mainland provinces', () => {
    expect(splitRegionName('Zurich')).toBeUndefined();
    expect(splitRegionName('')).toBeUndefined();
  });
});

describe('isLocalCall', () => {
  const region = (over: Partial<CallerRegion>): CallerRegion => ({
    province: '广东省',
    provinceId: '44',
    regionGroup: 'south_china',
    city: '深圳市',
    cityId: '44:深圳市',
    cities: ['深圳市'],
    lineType: 'fixed',
    ...over,
  });
  const shenzhenFixed = region({ areaCode: '0755' });
  const shenzhenMobile = region({ areaCode: '0755', lineType: 'mobile', carrier: '中国移动' });
  const guangzhou = region({ city: '广州市', cityId: '44:广州市', cities: ['广州市'], areaCode: '020' });
  const shenyangArea = region({
    province: '辽宁省',
    provinceId: '21',
    regionGroup: 'northeast',
    city: '沈阳市',
    cityId: '21:沈阳市',
    cities: ['沈阳市', '铁岭市', '抚顺市'],
    areaCode: '024',
  });
  const tielingMobile = region({
    province: '辽宁省',
    provinceId: '21',
    regionGroup: 'northeast',
    city: '铁岭市',
    cityId: '21:铁岭市',
    cities: ['铁岭市'],
    areaCode: '0410',
    lineType: 'mobile',
  });
  const jilinCity = region({
    province: '吉林省',
    provinceId: '22',
    regionGroup: 'northeast',
    city: '吉林市',
    cityId: '22:吉林市',
    cities: ['吉林市'],
  });

  it('is local within one city, mobile or fixed', () => {
    expect(isLocalCall(shenzhenFixed, shenzhenMobile)).toBe(true);
    expect(isLocalCall(shenzhenMobile, region({ lineType: 'mobile' }))).toBe(true); // no area code: by city
  });

  it('is long distance between cities of one province', () => {
    expect(isLocalCall(shenzhenFixed, guangzhou)).toBe(false);
  });

  it('treats an area code shared by several cities as one local network', () => {
    expect(isLocalCall(shenyangArea, tielingMobile)).toBe(true);
    expect(isLocalCall(tielingMobile, shenyangArea)).toBe(true);
  });

  it('does not confuse equal city names in different provinces', () => {
    expect(isLocalCall(jilinCity, region({ cities: ['吉林市'], city: '吉林市' }))).toBe(false);
  });

  it('rates unknown callers as long distance', () => {
    expect(isLocalCall(undefined, shenzhenFixed)).toBe(false);
    expect(isLocalCall(shenzhenFixed, undefined)).toBe(false);
  });

  it('is reflexive and symmetric over the real index regions', () => {
    const regions = geoIndex().regions;
    fc.assert(
      fc.property(fc.constantFrom(...regions), fc.constantFrom(...regions), (a, b) => {
        expect(isLocalCall(a, a)).toBe(true);
        expect(isLocalCall(a, b)).toBe(isLocalCall(b, a));
        // no local network crosses a province boundary
        if (a.provinceId !== b.provinceId) expect(isLocalCall(a, b)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
