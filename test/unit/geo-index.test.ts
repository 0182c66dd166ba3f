import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGeoIndex, readLibraryData } from '../../shared/geo/build/compile.js';
import { GEO_INDEX_FILE, GEO_INDEX_PATH_ENV, GEO_INDEX_REPO_PATH } from '../../shared/geo/index-file.js';
import {
  decodeGeoIndex,
  encodeGeoIndex,
  entriesOf,
  type GeoIndexEntry,
  KEY_SPACE,
  verifyGeoIndex,
} from '../../shared/geo/index-format.js';
import { GeoIndex, geoIndexCandidates, loadGeoIndex } from '../../shared/geo/lookup.js';

const committed = readFileSync(GEO_INDEX_REPO_PATH);

describe('the committed index', () => {
  it('is byte-identical to a fresh compile of the installed library data (npm run build:geo)', () => {
    const fresh = compileGeoIndex(readLibraryData());
    // Compare the provenance first: it names the library that changed.
    expect(decodeGeoIndex(committed).source).toEqual(decodeGeoIndex(fresh).source);
    expect(Buffer.from(fresh).equals(committed)).toBe(true);
  });

  it('is structurally sound and commit-sized', () => {
    const decoded = decodeGeoIndex(committed);
    expect(() => verifyGeoIndex(decoded)).not.toThrow();
    expect(committed.length).toBeLessThan(600 * 1024);
    expect(decoded.entryCount).toBeGreaterThan(600);
  });
});

describe('index format', () => {
  const entry = (over: Partial<GeoIndexEntry> = {}): GeoIndexEntry => ({
    province: '广东省',
    cities: ['深圳市'],
    areaCode: '0755',
    lineType: 'fixed',
    carrier: undefined,
    ...over,
  });

  it('round-trips any valid content', () => {
    const entries = [
      entry(),
      entry({ lineType: 'mobile', carrier: '中国移动', areaCode: undefined }),
      entry({ province: '辽宁省', cities: ['沈阳市', '铁岭市'], areaCode: '024' }),
    ];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: KEY_SPACE - 1 }), { maxLength: 300 }),
        fc.array(fc.integer({ min: 0, max: entries.length }), { minLength: 301, maxLength: 301 }),
        (tail, ids) => {
          const runStarts = [0, ...tail.sort((a, b) => a - b)];
          const runEntries = ids.slice(0, runStarts.length);
          const decoded = decodeGeoIndex(
            encodeGeoIndex({ source: { test: 'x' }, entries, runStarts, runEntries }),
          );
          expect(entriesOf(decoded)).toEqual(entries);
          expect(decoded.runs.runCount).toBe(runStarts.length);
          for (let run = 0; run < runStarts.length; run++) {
            expect(decoded.runs.startAt(run)).toBe(runStarts[run]);
            expect(decoded.runs.entryAt(run)).toBe(runEntries[run]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses to encode runs that are unordered, out of range or name missing entries', () => {
    const source = {};
    const entries = [entry()];
    expect(() => encodeGeoIndex({ source, entries, runStarts: [5], runEntries: [1] })).toThrow();
    expect(() => encodeGeoIndex({ source, entries, runStarts: [0, 9, 9], runEntries: [1, 0, 1] })).toThrow();
    expect(() =>
      encodeGeoIndex({ source, entries, runStarts: [0, KEY_SPACE], runEntries: [1, 0] }),
    ).toThrow();
    expect(() => encodeGeoIndex({ source, entries, runStarts: [0], runEntries: [2] })).toThrow();
  });

  it('refuses corrupt files', () => {
    expect(() => decodeGeoIndex(committed.subarray(0, committed.length - 1))).toThrow(/length/);
    const badMagic = Uint8Array.from(committed);
    badMagic[0] = 0;
    expect(() => decodeGeoIndex(badMagic)).toThrow(/magic/);
    expect(() => decodeGeoIndex(new Uint8Array(3))).toThrow(/truncated/);
  });

  it('lays an index out as documented (HLG3): header, source, string ends, strings, entries, runs', () => {
    const bytes = encodeGeoIndex({
      source: {},
      entries: [entry(), entry({ lineType: 'mobile', areaCode: undefined, carrier: '中国移动' })],
      runStarts: [0, 0x0a0b0c],
      runEntries: [1, 2],
    });
    // 24 header + 2 source ('{}') + 4 strings × 4 ends + 9 + 9 + 4 + 12 UTF-8 bytes
    // (广东省, 深圳市, 0755, 中国移动) + 2 entries × 9 + 2 runs × (3 + 2) = 104.
    expect(bytes.length).toBe(104);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('HLG3');
    expect([...new Uint32Array(bytes.slice(4, 24).buffer)]).toEqual([2, 4, 34, 2, 2]);
    expect([...new Uint32Array(bytes.slice(26, 42).buffer)]).toEqual([9, 18, 22, 34]);
    expect([...bytes.subarray(76, 94)]).toEqual([
      ...[0, 0, 1, 0, 2, 0, 0x66, 0xff, 0xff], // 广东省 深圳市 0755 fixed, no carrier
      ...[0, 0, 1, 0, 0xff, 0xff, 0x6d, 3, 0], // 广东省 深圳市, no area code, mobile 中国移动
    ]);
    expect([...bytes.subarray(94)]).toEqual([0, 0, 0, 0x0c, 0x0b, 0x0a, 1, 0, 2, 0]);
  });

  it('reads none-values as absent, in entries and in regions', () => {
    const bytes = encodeGeoIndex({
      source: {},
      entries: [entry({ areaCode: undefined, carrier: undefined }), entry({ carrier: '' })],
      runStarts: [0, 100],
      runEntries: [1, 2],
    });
    const decoded = decodeGeoIndex(bytes);
    expect(decoded.entry(1)).toEqual(entry({ areaCode: undefined, carrier: undefined }));
    expect(decoded.entry(2).carrier).toBe(''); // an empty carrier is a string, not "none"
    const region = new GeoIndex(decodeGeoIndex(bytes)).regionOfPrefix(0);
    expect(region).toBeDefined();
    expect('areaCode' in (region ?? {})).toBe(false);
    expect('carrier' in (region ?? {})).toBe(false);
  });

  it('refuses truncated files and files of another format', () => {
    const bytes = encodeGeoIndex({
      source: { test: 'x' },
      entries: [entry()],
      runStarts: [0],
      runEntries: [1],
    });
    for (const length of [0, 23]) {
      expect(() => decodeGeoIndex(bytes.subarray(0, length))).toThrow(/truncated/);
    }
    for (const length of [24, 40, 60, bytes.length - 1]) {
      expect(() => decodeGeoIndex(bytes.subarray(0, length))).toThrow(/length mismatch/);
    }
    expect(() => decodeGeoIndex(Uint8Array.from([...bytes, 0]))).toThrow(/length mismatch/);
    const previousFormat = Uint8Array.from(bytes);
    previousFormat.set(new TextEncoder().encode('HLG2'), 0);
    expect(() => decodeGeoIndex(previousFormat)).toThrow(/bad magic \(not an HLG3 file\)/);
  });

  describe('ids beyond the tables', () => {
    // One entry 广东省 深圳市 0755 fixed, one run; source '{}' (2 bytes), strings 9 + 9 + 4 bytes:
    // ends at 26, strings at 38, the entry at 60, the run's start at 69 and its entry id at 72.
    const valid = () => encodeGeoIndex({ source: {}, entries: [entry()], runStarts: [0], runEntries: [1] });
    const patched = (at: number, ...values: number[]) => {
      const bytes = valid();
      bytes.set(values, at);
      return bytes;
    };

    it('the layout the cases below patch', () => {
      const bytes = valid();
      expect(bytes.length).toBe(74);
      expect(new TextDecoder().decode(bytes.subarray(38, 60))).toBe('广东省深圳市0755');
      expect([...bytes.subarray(60, 69)]).toEqual([0, 0, 1, 0, 2, 0, 0x66, 0xff, 0xff]);
      expect(() => verifyGeoIndex(decodeGeoIndex(bytes))).not.toThrow();
    });

    it('a province string id fails at load', () => {
      expect(() => decodeGeoIndex(patched(60, 3, 0))).toThrow(/no string 3/);
    });

    it('a cities, area-code or carrier string id fails when the entry is read, and in verifyGeoIndex', () => {
      for (const at of [62, 64, 67]) {
        const decoded = decodeGeoIndex(patched(at, 3, 0));
        expect(() => decoded.entry(1)).toThrow(/no string 3/);
        expect(() => verifyGeoIndex(decoded)).toThrow(/no string 3/);
      }
    });

    it('a string end beyond the string block, or before its start, fails', () => {
      expect(() => decodeGeoIndex(patched(26, 23, 0, 0, 0))).toThrow(/string 0 out of bounds/);
      expect(() => decodeGeoIndex(patched(30, 8, 0, 0, 0)).entry(1)).toThrow(/string 1 out of bounds/);
    });

    it('an entry id beyond the entries fails, in entry() and in a run', () => {
      const decoded = decodeGeoIndex(valid());
      expect(() => decoded.entry(0)).toThrow(/no entry 0/);
      expect(() => decoded.entry(2)).toThrow(/no entry 2/);
      expect(() => verifyGeoIndex(decodeGeoIndex(patched(72, 2, 0)))).toThrow(/run 0 has no entry/);
    });

    it('a line type other than m or f fails', () => {
      expect(() => decodeGeoIndex(patched(66, 0x78)).entry(1)).toThrow(/no line type/);
    });
  });

  it('looks prefixes up at run boundaries exactly', () => {
    const index = new GeoIndex(
      decodeGeoIndex(
        encodeGeoIndex({
          source: {},
          entries: [entry(), entry({ province: '北京市', cities: ['北京市'], areaCode: '010' })],
          runStarts: [0, 100, 200, KEY_SPACE - 1],
          runEntries: [0, 1, 2, 1],
        }),
      ),
    );
    expect(index.regionOfPrefix(0)).toBeUndefined();
    expect(index.regionOfPrefix(99)).toBeUndefined();
    expect(index.regionOfPrefix(100)?.city).toBe('深圳市');
    expect(index.regionOfPrefix(199)?.city).toBe('深圳市');
    expect(index.regionOfPrefix(200)?.city).toBe('北京市');
    expect(index.regionOfPrefix(KEY_SPACE - 2)?.city).toBe('北京市');
    expect(index.regionOfPrefix(KEY_SPACE - 1)?.city).toBe('深圳市');
  });

  it('refuses an index naming a province outside the table', () => {
    const bytes = encodeGeoIndex({
      source: {},
      entries: [entry({ province: 'Atlantis' })],
      runStarts: [0],
      runEntries: [1],
    });
    expect(() => new GeoIndex(decodeGeoIndex(bytes))).toThrow(/Atlantis/);
  });
});

describe('loading', () => {
  const directory = mkdtempSync(join(tmpdir(), 'geo-index-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('tries GEO_INDEX_PATH, then beside the module (bundle layout), then data/ (source layout)', () => {
    const previous = process.env[GEO_INDEX_PATH_ENV];
    try {
      process.env[GEO_INDEX_PATH_ENV] = '/somewhere/cn-geo.bin';
      const candidates = geoIndexCandidates();
      expect(candidates[0]).toBe('/somewhere/cn-geo.bin');
      expect(candidates[1]?.endsWith(join('shared', 'geo', GEO_INDEX_FILE))).toBe(true);
      expect(candidates[2]?.endsWith(join('shared', 'geo', 'data', GEO_INDEX_FILE))).toBe(true);
    } finally {
      if (previous === undefined) delete process.env[GEO_INDEX_PATH_ENV];
      else process.env[GEO_INDEX_PATH_ENV] = previous;
    }
  });

  it('loads from an explicit path and names the path when the file is missing', () => {
    const copy = join(directory, GEO_INDEX_FILE);
    writeFileSync(copy, committed);
    expect(loadGeoIndex(copy).lookup('+8613910001234')?.city).toBe('北京市');
    expect(() => loadGeoIndex(join(directory, 'missing.bin'))).toThrow(/missing\.bin/);
  });

  it('works from a Lambda-style bundle with the file copied beside it, as GEO_INDEX_FILE', async () => {
    const bundleDirectory = join(directory, 'bundle');
    const outfile = join(bundleDirectory, 'index.mjs');
    await build({
      entryPoints: ['shared/geo/lookup.ts'],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile,
      logLevel: 'silent',
    });
    const env = { ...process.env };
    delete env[GEO_INDEX_PATH_ENV];
    const lookUp = () =>
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const geo = await import(${JSON.stringify(pathToFileURL(outfile).href)});
           process.stdout.write(JSON.stringify(geo.lookupRegion('+8675512345678')));`,
        ],
        { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
    // Not copied yet: the bundle cannot reach the repository's data/ directory.
    expect(lookUp).toThrow(new RegExp(GEO_INDEX_FILE.replace('.', '\\.')));
    copyFileSync(GEO_INDEX_REPO_PATH, join(bundleDirectory, GEO_INDEX_FILE));
    expect(JSON.parse(lookUp())).toMatchObject({ province: '广东省', city: '深圳市', areaCode: '0755' });
  });
});
