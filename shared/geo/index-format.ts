/**
 * The compiled caller-region index: every 7-digit national-number prefix (0000000–9999999) mapped to a
 * region entry, stored as runs of equal entries. Pure byte encoding/decoding, shared by the build script
 * and the loader.
 *
 * Layout (integers little-endian, sections back to back, no padding):
 *   header  u32 magic 'HLG3' | u32 sourceBytes | u32 stringCount | u32 stringBytes | u32 entryCount |
 *           u32 runCount
 *   source  sourceBytes of UTF-8 JSON: provenance (package versions, source file digests)
 *   ends    stringCount × u32: end of each string in `strings`, string i starting where i − 1 ends
 *   strings stringBytes of UTF-8: provinces, cities (one string per entry, joined by 、), area codes,
 *           carriers, each stored once
 *   entries entryCount × 9 bytes: u16 province, u16 cities, u16 area code, u8 line ('m' mobile,
 *           'f' fixed), u16 carrier; u16 values are string ids, 0xFFFF for none
 *   starts  runCount × u24: first prefix of each run, increasing, the first 0
 *   ids     runCount × u16: entry id of each run; 0 means "no region", n ≥ 1 is entry n − 1
 * Everything is read in place: a load reads the header and scans the entries' province ids (the loader
 * checks those provinces at load); an entry and its strings are decoded when first looked up, `source`
 * when first read. The run tables (`starts`, `ids`: 95% of the file) are read through a `RunTable`, so the
 * loader can leave them on disk (./lookup.ts). HLG2's meta JSON allocated ~320 kB of young-generation
 * objects per load, enough for a second scavenge in the routing Lambda's cold import (bench/routing.ts:
 * routeCall.coldImportRatio); a whole HLG3 load allocates ~15 kB. A JSON array of the strings
 * would add 20–100 kB (measured on Node 24), hence one UTF-8 block with an offset table. Fixed-width runs
 * cost ~100 kB over varints but need no decoding pass.
 */
import type { LineType } from './caller-region.js';

const MAGIC = 0x33474c48; // 'HLG3'
export const HEADER_BYTES = 24;
const END_BYTES = 4;
const ENTRY_BYTES = 9;
export const START_BYTES = 3;
export const ID_BYTES = 2;
/** A u16 field's "no value" (no area code, no carrier); also caps the string table. */
const NONE = 0xffff;
const MOBILE = 0x6d; // 'm'
const FIXED = 0x66; // 'f'

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

/** The run tables: run r covers prefixes from its start up to the next run's start. */
export interface RunTable {
  readonly runCount: number;
  /** First prefix of run `run` (run 0 starts at 0). */
  startAt(run: number): number;
  /** Entry id of run `run`: 0 means "no region", n ≥ 1 is entry n − 1. */
  entryAt(run: number): number;
}

/** Where each section of an index file lies, from its header. */
export interface GeoIndexLayout {
  readonly sourceBytes: number;
  readonly stringCount: number;
  readonly stringBytes: number;
  readonly entryCount: number;
  readonly runCount: number;
  readonly endsAt: number;
  readonly stringsAt: number;
  readonly entriesAt: number;
  /** Also the length of the head: everything before the run tables. */
  readonly startsAt: number;
  readonly idsAt: number;
  readonly fileBytes: number;
}

export interface DecodedGeoIndex {
  /** Parsed on first read: a lookup never needs it. */
  readonly source: Readonly<Record<string, string>>;
  readonly entryCount: number;
  /** The distinct province names the entries use. */
  readonly provinces: readonly string[];
  /** Entry id n (1 ≤ n ≤ entryCount), built on request so a cold load does not build them all. */
  entry(id: number): GeoIndexEntry;
  readonly runs: RunTable;
}

/** An entry as stored: string ids (or NONE) and the line byte. */
type EntryRow = [province: number, cities: number, areaCode: number, line: number, carrier: number];

export function encodeGeoIndex(content: GeoIndexContent): Uint8Array {
  const { runStarts, runEntries, entries } = content;
  const runCount = runStarts.length;
  if (runEntries.length !== runCount || runCount === 0 || runStarts[0] !== 0) {
    throw new Error('runs must be non-empty, parallel and start at 0');
  }
  if (entries.length >= 2 ** (8 * ID_BYTES)) throw new Error('too many entries for 16-bit ids');

  const utf8 = new TextEncoder();
  const strings: Uint8Array[] = [];
  const stringIds = new Map<string, number>();
  const intern = (text: string) => {
    let id = stringIds.get(text);
    if (id === undefined) {
      id = strings.length;
      if (id === NONE) throw new Error('too many strings for 16-bit ids');
      strings.push(utf8.encode(text));
      stringIds.set(text, id);
    }
    return id;
  };
  const rows = entries.map(
    (entry): EntryRow => [
      intern(entry.province),
      intern(entry.cities.join('、')),
      entry.areaCode ? intern(entry.areaCode) : NONE,
      entry.lineType === 'mobile' ? MOBILE : FIXED,
      entry.carrier === undefined ? NONE : intern(entry.carrier),
    ],
  );
  const source = utf8.encode(JSON.stringify(content.source));
  const stringBytes = strings.reduce((sum, text) => sum + text.length, 0);

  const endsAt = HEADER_BYTES + source.length;
  const stringsAt = endsAt + strings.length * END_BYTES;
  const entriesAt = stringsAt + stringBytes;
  const startsAt = entriesAt + entries.length * ENTRY_BYTES;
  const idsAt = startsAt + runCount * START_BYTES;
  const bytes = new Uint8Array(idsAt + runCount * ID_BYTES);
  const view = new DataView(bytes.buffer);
  const header = [MAGIC, source.length, strings.length, stringBytes, entries.length, runCount];
  for (const [i, value] of header.entries()) view.setUint32(i * 4, value, true);
  bytes.set(source, HEADER_BYTES);
  let end = 0;
  strings.forEach((text, i) => {
    bytes.set(text, stringsAt + end);
    end += text.length;
    view.setUint32(endsAt + i * END_BYTES, end, true);
  });
  rows.forEach(([province, cities, areaCode, line, carrier], i) => {
    const at = entriesAt + i * ENTRY_BYTES;
    view.setUint16(at, province, true);
    view.setUint16(at + 2, cities, true);
    view.setUint16(at + 4, areaCode, true);
    view.setUint8(at + 6, line);
    view.setUint16(at + 7, carrier, true);
  });
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

/** Reads an index file's header (its first HEADER_BYTES bytes) into the sections' offsets. */
export function readGeoIndexLayout(header: Uint8Array): GeoIndexLayout {
  if (header.length < HEADER_BYTES) throw new Error('geo index: truncated header');
  const view = new DataView(header.buffer, header.byteOffset, HEADER_BYTES);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('geo index: bad magic (not an HLG3 file)');
  const sourceBytes = view.getUint32(4, true);
  const stringCount = view.getUint32(8, true);
  const stringBytes = view.getUint32(12, true);
  const entryCount = view.getUint32(16, true);
  const runCount = view.getUint32(20, true);
  const endsAt = HEADER_BYTES + sourceBytes;
  const stringsAt = endsAt + stringCount * END_BYTES;
  const entriesAt = stringsAt + stringBytes;
  const startsAt = entriesAt + entryCount * ENTRY_BYTES;
  const idsAt = startsAt + runCount * START_BYTES;
  if (runCount === 0) throw new Error('geo index: no runs');
  if (stringCount > NONE || entryCount >= 2 ** (8 * ID_BYTES)) throw new Error('geo index: tables too large');
  return {
    sourceBytes,
    stringCount,
    stringBytes,
    entryCount,
    runCount,
    endsAt,
    stringsAt,
    entriesAt,
    startsAt,
    idsAt,
    fileBytes: idsAt + runCount * ID_BYTES,
  };
}

/** A whole index file in memory: the layout checked against its length, the run tables read in place. */
export function decodeGeoIndex(bytes: Uint8Array): DecodedGeoIndex {
  const layout = readGeoIndexLayout(bytes);
  if (bytes.length !== layout.fileBytes) throw new Error('geo index: length mismatch');
  return decodeGeoIndexHead(bytes, layout, bytesRunTable(bytes, layout));
}

/** The run tables of a whole file in memory. */
function bytesRunTable(bytes: Uint8Array, layout: GeoIndexLayout): RunTable {
  const { runCount, startsAt, idsAt } = layout;
  return {
    runCount,
    startAt: (run) => {
      const at = startsAt + run * START_BYTES;
      return (bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16);
    },
    entryAt: (run) => {
      const at = idsAt + run * ID_BYTES;
      return (bytes[at] as number) | ((bytes[at + 1] as number) << 8);
    },
  };
}

/**
 * Decodes the head (at least `layout.startsAt` bytes from the file's start): reads the entries' province
 * ids; entries, strings and `source` are decoded on request, the runs come from `runs`.
 */
export function decodeGeoIndexHead(
  head: Uint8Array,
  layout: GeoIndexLayout,
  runs: RunTable,
): DecodedGeoIndex {
  const { stringCount, stringBytes, entryCount, endsAt, stringsAt, entriesAt, startsAt } = layout;
  if (head.length < startsAt) throw new Error('geo index: length mismatch');
  const view = new DataView(head.buffer, head.byteOffset, startsAt);

  let decoder: InstanceType<typeof TextDecoder> | undefined;
  const utf8 = (from: number, to: number) => {
    decoder ??= new TextDecoder('utf-8', { fatal: true });
    return decoder.decode(head.subarray(from, to));
  };
  const text = (id: number): string => {
    if (id >= stringCount) throw new Error(`geo index: no string ${id}`);
    const start = id === 0 ? 0 : view.getUint32(endsAt + (id - 1) * END_BYTES, true);
    const end = view.getUint32(endsAt + id * END_BYTES, true);
    if (start > end || end > stringBytes) throw new Error(`geo index: string ${id} out of bounds`);
    return utf8(stringsAt + start, stringsAt + end);
  };
  const optionalText = (id: number) => (id === NONE ? undefined : text(id));
  const entry = (id: number): GeoIndexEntry => {
    if (!Number.isInteger(id) || id < 1 || id > entryCount) throw new Error(`geo index: no entry ${id}`);
    const at = entriesAt + (id - 1) * ENTRY_BYTES;
    const line = view.getUint8(at + 6);
    if (line !== MOBILE && line !== FIXED) throw new Error(`geo index: entry ${id} has no line type`);
    return {
      province: text(view.getUint16(at, true)),
      cities: text(view.getUint16(at + 2, true)).split('、'),
      areaCode: optionalText(view.getUint16(at + 4, true)),
      lineType: line === MOBILE ? 'mobile' : 'fixed',
      carrier: optionalText(view.getUint16(at + 7, true)),
    };
  };

  // The distinct provinces, for the loader to check at load: a scan of u16s, no entry built.
  const provinceIds: number[] = [];
  for (let at = entriesAt; at < startsAt; at += ENTRY_BYTES) {
    const id = view.getUint16(at, true);
    if (!provinceIds.includes(id)) provinceIds.push(id);
  }
  let source: Readonly<Record<string, string>> | undefined;
  return {
    get source() {
      source ??= JSON.parse(utf8(HEADER_BYTES, endsAt)) as Record<string, string>;
      return source;
    },
    entryCount,
    provinces: provinceIds.map(text),
    entry,
    runs,
  };
}

/** Every entry, in id order (entry id n is element n − 1). */
export function entriesOf(index: DecodedGeoIndex): GeoIndexEntry[] {
  return Array.from({ length: index.entryCount }, (_, i) => index.entry(i + 1));
}

/**
 * Full structural check (increasing starts from 0, ids within entries, entries readable). Run by the build script and the
 * tests rather than on every cold start.
 */
export function verifyGeoIndex(index: DecodedGeoIndex): void {
  let previous = -1;
  const { runs } = index;
  for (let run = 0; run < runs.runCount; run++) {
    const start = runs.startAt(run);
    if (run === 0 ? start !== 0 : start <= previous) throw new Error(`geo index: run ${run} out of order`);
    if (start >= KEY_SPACE) throw new Error(`geo index: run ${run} beyond the key space`);
    if (runs.entryAt(run) > index.entryCount) throw new Error(`geo index: run ${run} has no entry`);
    previous = start;
  }
  for (let id = 1; id <= index.entryCount; id++) index.entry(id);
}
