/**
 * The compiled caller-region index: every 7-digit national-number prefix (0000000–9999999) mapped to a
 * region entry, stored as runs of equal entries. Pure byte encoding/decoding, shared by the build script
 * and the loader.
 *
 * Layout (integers little-endian):
 *   u32 magic 'HLG2' | u32 metaBytes | u32 runCount | u32 reserved (0)
 *   meta   UTF-8 JSON { source, strings, entries: [[province, cities, areaCode, line, carrier]] } where
 *          province/cities/carrier index `strings` (cities joined by 、, carrier −1 for none), areaCode is
 *          '' for none and line is 'm' (mobile) or 'f' (fixed)
 *   starts runCount × u24: first prefix of each run, increasing, the first 0
 *   ids    runCount × u16: entry id of each run; 0 means "no region", n ≥ 1 is entries[n − 1]
 * Fixed-width runs need no decoding pass: loading is a file read and a small JSON parse, lookups
 * binary-search the bytes in place, and entries become objects only when first looked up. Compared with varints this costs ~100 kB but keeps a cold load at a
 * few milliseconds.
 */
import type { LineType } from './caller-region.js';

const MAGIC = 0x32474c48; // 'HLG2'
const HEADER_BYTES = 16;
const START_BYTES = 3;
const ID_BYTES = 2;

/** Digits of the national-number prefix the runs are keyed on. */
export const KEY_DIGITS = 7;
export const KEY_SPACE = 10 ** KEY_DIGITS;

export interface GeoIndexEntry {
  readonly province: string;
  readonly cities: readonly string[];
  readonly areaCode: string | undefined;
  readonly lineType: LineType;
  readonly carrier: string | undefined;
}

export interface GeoIndexContent {
  /** Provenance (package versions, source file digests): lets a test tell a stale index. */
  readonly source: Readonly<Record<string, string>>;
  /** Entry id n (n ≥ 1) is entries[n − 1]. */
  readonly entries: readonly GeoIndexEntry[];
  readonly runStarts: ArrayLike<number>;
  readonly runEntries: ArrayLike<number>;
}

export interface DecodedGeoIndex {
  readonly source: Readonly<Record<string, string>>;
  readonly entryCount: number;
  /** The distinct province names the entries use. */
  readonly provinces: readonly string[];
  /** Entry id n (1 ≤ n ≤ entryCount), built on request so a cold load does not build them all. */
  entry(id: number): GeoIndexEntry;
  readonly runCount: number;
  /** runCount × u24 little-endian, a view on the file bytes. */
  readonly starts: Uint8Array;
  /** runCount × u16 little-endian, a view on the file bytes. */
  readonly ids: Uint8Array;
}

type EntryRow = [number, number, string, 'm' | 'f', number];

interface Meta {
  source: Record<string, string>;
  strings: string[];
  entries: EntryRow[];
}

export function encodeGeoIndex(content: GeoIndexContent): Uint8Array {
  const { runStarts, runEntries, entries } = content;
  const runCount = runStarts.length;
  if (runEntries.length !== runCount || runCount === 0 || runStarts[0] !== 0) {
    throw new Error('runs must be non-empty, parallel and start at 0');
  }
  if (entries.length >= 2 ** (8 * ID_BYTES)) throw new Error('too many entries for 16-bit ids');

  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const intern = (text: string) => {
    let id = stringIds.get(text);
    if (id === undefined) {
      id = strings.length;
      strings.push(text);
      stringIds.set(text, id);
    }
    return id;
  };
  const rows: EntryRow[] = entries.map((entry) => [
    intern(entry.province),
    intern(entry.cities.join('、')),
    entry.areaCode ?? '',
    entry.lineType === 'mobile' ? 'm' : 'f',
    entry.carrier === undefined ? -1 : intern(entry.carrier),
  ]);
  const meta = new TextEncoder().encode(JSON.stringify({ source: content.source, strings, entries: rows }));

  const startsAt = HEADER_BYTES + meta.length;
  const idsAt = startsAt + runCount * START_BYTES;
  const bytes = new Uint8Array(idsAt + runCount * ID_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, meta.length, true);
  view.setUint32(8, runCount, true);
  bytes.set(meta, HEADER_BYTES);
  let previous = -1;
  for (let i = 0; i < runCount; i++) {
    const start = runStarts[i] as number;
    const id = runEntries[i] as number;
    if (!Number.isInteger(start) || start <= previous || start >= KEY_SPACE) {
      throw new Error(`run ${i}: start ${start} must be an increasing prefix below ${KEY_SPACE}`);
    }
    if (!Number.isInteger(id) || id < 0 || id > entries.length) throw new Error(`run ${i}: no entry ${id}`);
    const at = startsAt + i * START_BYTES;
    bytes[at] = start & 0xff;
    bytes[at + 1] = (start >>> 8) & 0xff;
    bytes[at + 2] = start >>> 16;
    view.setUint16(idsAt + i * ID_BYTES, id, true);
    previous = start;
  }
  return bytes;
}

/** Reads the header and meta; the runs stay views on `bytes` (no pass over them). */
export function decodeGeoIndex(bytes: Uint8Array): DecodedGeoIndex {
  if (bytes.length < HEADER_BYTES) throw new Error('geo index: truncated header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('geo index: bad magic (not an HLG2 file)');
  const metaBytes = view.getUint32(4, true);
  const runCount = view.getUint32(8, true);
  const startsAt = HEADER_BYTES + metaBytes;
  const idsAt = startsAt + runCount * START_BYTES;
  if (runCount === 0 || idsAt + runCount * ID_BYTES !== bytes.length) {
    throw new Error('geo index: length mismatch');
  }
  const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_BYTES, startsAt))) as Meta;
  const text = (id: number) => {
    const value = meta.strings[id];
    if (value === undefined) throw new Error(`geo index: no string ${id}`);
    return value;
  };
  const entry = (id: number): GeoIndexEntry => {
    const row = meta.entries[id - 1];
    if (!row) throw new Error(`geo index: no entry ${id}`);
    const [province, cities, areaCode, line, carrier] = row;
    return {
      province: text(province),
      cities: text(cities).split('、'),
      areaCode: areaCode === '' ? undefined : areaCode,
      lineType: line === 'm' ? 'mobile' : 'fixed',
      carrier: carrier < 0 ? undefined : text(carrier),
    };
  };
  const provinceIds = new Set<number>();
  for (const row of meta.entries) provinceIds.add(row[0]);
  return {
    source: meta.source,
    entryCount: meta.entries.length,
    provinces: [...provinceIds].map(text),
    entry,
    runCount,
    starts: bytes.subarray(startsAt, idsAt),
    ids: bytes.subarray(idsAt),
  };
}

/** Every entry, in id order (entry id n is element n − 1). */
export function entriesOf(index: DecodedGeoIndex): GeoIndexEntry[] {
  return Array.from({ length: index.entryCount }, (_, i) => index.entry(i + 1));
}

export function runStartAt(index: DecodedGeoIndex, run: number): number {
  const at = run * START_BYTES;
  const s = index.starts;
  return (s[at] as number) | ((s[at + 1] as number) << 8) | ((s[at + 2] as number) << 16);
}

export function runEntryAt(index: DecodedGeoIndex, run: number): number {
  const at = run * ID_BYTES;
  return (index.ids[at] as number) | ((index.ids[at + 1] as number) << 8);
}

/**
 * Full structural check (increasing starts from 0, ids within entries, entries readable). Run by the build script and the
 * tests rather than on every cold start.
 */
export function verifyGeoIndex(index: DecodedGeoIndex): void {
  let previous = -1;
  for (let run = 0; run < index.runCount; run++) {
    const start = runStartAt(index, run);
    if (run === 0 ? start !== 0 : start <= previous) throw new Error(`geo index: run ${run} out of order`);
    if (start >= KEY_SPACE) throw new Error(`geo index: run ${run} beyond the key space`);
    if (runEntryAt(index, run) > index.entryCount) throw new Error(`geo index: run ${run} has no entry`);
    previous = start;
  }
  for (let id = 1; id <= index.entryCount; id++) index.entry(id);
}
