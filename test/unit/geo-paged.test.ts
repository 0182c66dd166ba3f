// The loader reads the index's head and leaves the run tables on disk, reading them a page at a time.
// node:fs is wrapped (not replaced) to count the bytes the loader reads, whichever call it reads them with.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GEO_INDEX_REPO_PATH } from '../../shared/geo/index-file.js';
import { decodeGeoIndex, KEY_SPACE, readGeoIndexLayout } from '../../shared/geo/index-format.js';
import { GeoIndex, loadGeoIndex } from '../../shared/geo/lookup.js';

const bytesRead = vi.hoisted(() => ({ count: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    readFileSync: (...args: Parameters<typeof fs.readFileSync>) => {
      const read = fs.readFileSync(...args);
      bytesRead.count += read.length;
      return read;
    },
    readSync: (...args: Parameters<typeof fs.readSync>) => {
      const read = fs.readSync(...args);
      bytesRead.count += read;
      return read;
    },
  };
});

const committed = readFileSync(GEO_INDEX_REPO_PATH);
const layout = readGeoIndexLayout(committed);
const inMemory = new GeoIndex(decodeGeoIndex(committed));

describe('an index loaded from its file', () => {
  beforeEach(() => {
    bytesRead.count = 0;
  });

  it('reads the head at load (header twice), then a few 4 KiB pages per first lookup, none on a repeat', () => {
    // The committed file: 24-byte header, 245 B source, 713 strings (2,852 B of ends, 5,775 B of UTF-8),
    // 1,344 entries × 9 B: the runs start at 20,992 of 421,382 bytes.
    expect(layout.startsAt).toBe(20_992);
    expect(layout.fileBytes).toBe(421_382);
    const index = loadGeoIndex(GEO_INDEX_REPO_PATH);
    expect(bytesRead.count).toBe(24 + 20_992);

    bytesRead.count = 0;
    expect(index.lookup('+8613910001234')?.city).toBe('北京市');
    // 80,078 runs: a binary search probes 17 starts; at most one page per probe and one for the id.
    expect(bytesRead.count).toBeGreaterThan(0);
    expect(bytesRead.count).toBeLessThanOrEqual(18 * 4096);
    expect(bytesRead.count % 4096).toBe(0);

    bytesRead.count = 0;
    expect(index.lookup('+8613910001234')?.city).toBe('北京市');
    expect(bytesRead.count).toBe(0);
  });

  it('answers exactly as the whole file in memory, at every run boundary', () => {
    const fromFile = loadGeoIndex(GEO_INDEX_REPO_PATH);
    const runs = decodeGeoIndex(committed).runs;
    // u24 starts straddle page ends (4,096 is not a multiple of 3): every run's first and previous prefix.
    for (let run = 0; run < runs.runCount; run++) {
      const start = runs.startAt(run);
      expect(fromFile.regionOfPrefix(start)).toBe(fromFile.regionOfPrefix(start)); // cached region, same object
      expect(fromFile.regionOfPrefix(start)).toEqual(inMemory.regionOfPrefix(start));
      if (start > 0) expect(fromFile.regionOfPrefix(start - 1)).toEqual(inMemory.regionOfPrefix(start - 1));
    }
    expect(fromFile.regionOfPrefix(KEY_SPACE - 1)).toEqual(inMemory.regionOfPrefix(KEY_SPACE - 1));
  });

  it('answers as the file in memory for any prefix (fresh loads: pages read in any order)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: KEY_SPACE - 1 }), { minLength: 1, maxLength: 20 }),
        (prefixes) => {
          const fromFile = loadGeoIndex(GEO_INDEX_REPO_PATH);
          for (const prefix of prefixes) {
            expect(fromFile.regionOfPrefix(prefix)).toEqual(inMemory.regionOfPrefix(prefix));
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  describe('a file that does not match its header', () => {
    const directory = mkdtempSync(join(tmpdir(), 'geo-paged-'));
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('fails at load when truncated anywhere, head or run tables', () => {
      for (const length of [10, 24, 20_000, layout.fileBytes - 1]) {
        const copy = join(directory, `truncated-${length}.bin`);
        copyFileSync(GEO_INDEX_REPO_PATH, copy);
        truncateSync(copy, length);
        expect(() => loadGeoIndex(copy)).toThrow(/truncated|length mismatch/);
      }
    });
  });
});
