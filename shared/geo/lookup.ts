/**
 * Caller-region lookup on the per-call path: a string scan to the national number, then a binary search
 * over the compiled index (see ./index-format.ts). The index is opened once per process, lazily on the
 * first lookup or eagerly with `warmGeoIndex()` during a Lambda's init phase.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CallerRegion } from './caller-region.js';
import { GEO_INDEX_FILE, GEO_INDEX_PATH_ENV } from './index-file.js';
import {
  type DecodedGeoIndex,
  decodeGeoIndexHead,
  type GeoIndexLayout,
  HEADER_BYTES,
  ID_BYTES,
  KEY_DIGITS,
  type RunTable,
  readGeoIndexLayout,
  START_BYTES,
} from './index-format.js';
import { provinceOf } from './provinces.js';

export class GeoIndex {
  readonly runCount: number;
  private readonly runs: RunTable;
  /**
   * Region per entry id, built on first use; slot 0 ("no region") stays undefined. Sized (11 kB) on the
   * first region rather than at load: the routing Lambda's cold import ends within a few kilobytes of
   * V8's trigger for a second scavenge (bench/routing.ts: routeCall.coldImportRatio).
   */
  private byId: (CallerRegion | undefined)[] = [];

  constructor(private readonly decoded: DecodedGeoIndex) {
    this.runs = decoded.runs;
    this.runCount = decoded.runs.runCount;
    // Fail at load, not mid-call, if the file names a province this code does not know.
    const unknown = this.decoded.provinces.filter((name) => !provinceOf(name));
    if (unknown.length > 0) throw new Error(`geo index: unknown provinces ${unknown.join(', ')}`);
  }

  /** Provenance of the data (parsed on first read, never on the call path). */
  get source(): Readonly<Record<string, string>> {
    return this.decoded.source;
  }

  /** Every region the index can return (builds them all; for tests and tooling, not the call path). */
  get regions(): readonly CallerRegion[] {
    return Array.from({ length: this.decoded.entryCount }, (_, i) => this.region(i + 1));
  }

  private region(id: number): CallerRegion {
    const known = this.byId[id];
    if (known) return known;
    if (this.byId.length === 0) this.byId = new Array(this.decoded.entryCount + 1).fill(undefined);
    const entry = this.decoded.entry(id);
    const province = provinceOf(entry.province);
    const city = entry.cities[0];
    if (!province || city === undefined) throw new Error(`geo index: unknown province ${entry.province}`);
    const region: CallerRegion = Object.freeze({
      province: province.name,
      provinceId: province.id,
      regionGroup: province.group,
      city,
      cityId: `${province.id}:${city}`,
      cities: Object.freeze([...entry.cities]),
      ...(entry.areaCode ? { areaCode: entry.areaCode } : {}),
      lineType: entry.lineType,
      ...(entry.carrier ? { carrier: entry.carrier } : {}),
    });
    this.byId[id] = region;
    return region;
  }

  /** The region of a 7-digit national-number prefix (0–9,999,999). */
  regionOfPrefix(prefix: number): CallerRegion | undefined {
    const runs = this.runs;
    let low = 0;
    let high = this.runCount - 1;
    // Last run whose start ≤ prefix (run 0 starts at 0).
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (runs.startAt(mid) <= prefix) low = mid;
      else high = mid - 1;
    }
    const id = runs.entryAt(low);
    return id === 0 ? undefined : (this.byId[id] ?? this.region(id));
  }

  /** See `lookupRegion`. */
  lookup(number: string): CallerRegion | undefined {
    const prefix = nationalPrefix(number);
    return prefix < 0 ? undefined : this.regionOfPrefix(prefix);
  }
}

const MAX_INPUT = 40;
const digits = new Uint8Array(MAX_INPUT);

/**
 * The first 7 digits of the national significant number as an integer, or −1 when `number` is not a
 * plausible Chinese number. Accepts E.164 (+8613910001234), 0086…, 86… without '+', national forms with
 * the trunk 0 (01058881234) and bare mobiles (13910001234), with spaces, dashes, dots or parentheses.
 * Length rules are China's numbering plan: mobile 1[1-9] + 9 digits; area codes 10/2x + 8 digits;
 * 3-digit area codes + 7 or 8 digits.
 */
export function nationalPrefix(number: string): number {
  if (typeof number !== 'string' || number.length > MAX_INPUT) return -1;
  let count = 0;
  let plus = false;
  for (let i = 0; i < number.length; i++) {
    const code = number.charCodeAt(i);
    if (code >= 48 && code <= 57) digits[count++] = code - 48;
    else if (code === 43 && count === 0 && !plus) plus = true;
    else if (code !== 32 && code !== 45 && code !== 40 && code !== 41 && code !== 46) return -1;
  }
  if (count < 10) return -1; // also keeps the reads below within this call's digits
  let offset = 0;
  if (plus) {
    if (digits[0] !== 8 || digits[1] !== 6) return -1; // another country
    offset = 2;
  } else if (digits[0] === 0 && digits[1] === 0) {
    if (digits[2] !== 8 || digits[3] !== 6) return -1; // 00 international prefix to another country
    offset = 4;
  } else if ((count === 12 || count === 13) && digits[0] === 8 && digits[1] === 6) {
    offset = 2; // E.164 without '+': no national form is 12–13 digits long
  }
  if (digits[offset] === 0) offset++; // trunk prefix, also when written after the country code: +86 (0)755
  const length = count - offset;
  const first = digits[offset];
  const second = digits[offset + 1];
  if (first === 1 && second !== 0) {
    if (length !== 11) return -1;
  } else if (first === 1 || first === 2) {
    if (length !== 10) return -1;
  } else if (first === undefined || first === 0 || length < 10 || length > 11) {
    return -1;
  }
  let prefix = 0;
  for (let i = offset; i < offset + KEY_DIGITS; i++) prefix = prefix * 10 + (digits[i] as number);
  return prefix;
}

/** Candidate locations of the index file, most specific first. */
export function geoIndexCandidates(): string[] {
  const candidates: string[] = [];
  const fromEnv = process.env[GEO_INDEX_PATH_ENV];
  if (fromEnv) candidates.push(fromEnv);
  // Bundled Lambda: the file is copied beside the bundle. Running from source: shared/geo/data/.
  candidates.push(fileURLToPath(new URL(`./${GEO_INDEX_FILE}`, import.meta.url)));
  candidates.push(fileURLToPath(new URL(`./data/${GEO_INDEX_FILE}`, import.meta.url)));
  return candidates;
}

/**
 * Opens an index file (without a path, the first candidate that exists) and reads its head: header,
 * strings and entries, 21 kB. The run tables, the other 400 kB, stay on disk and are read a page at a
 * time as lookups touch them (a first lookup reads ~9 pages; `FileRunTable`). Reading the whole file
 * cost a cold start ~1.5–2 ms here, most of it faulting in fresh memory for the buffer
 * (bench/routing.ts: routeCall.coldImportRatio); on Lambda the file's first read also comes from the
 * function's lazily loaded code package. The file stays open for the life of the process.
 */
export function loadGeoIndex(path?: string): GeoIndex {
  const candidates = path ? [path] : geoIndexCandidates();
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `caller-region index ${GEO_INDEX_FILE} not found (tried ${candidates.join(', ')}); ` +
        `run npm run build:geo or set ${GEO_INDEX_PATH_ENV}`,
    );
  }
  const fd = openSync(found, 'r');
  try {
    const layout = readGeoIndexLayout(readAt(fd, 0, HEADER_BYTES));
    if (fstatSync(fd).size !== layout.fileBytes) throw new Error('geo index: length mismatch');
    const head = readAt(fd, 0, layout.startsAt);
    return new GeoIndex(decodeGeoIndexHead(head, layout, new FileRunTable(fd, layout)));
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** `length` bytes of the file at `position`; a short read means the file changed under us. */
function readAt(fd: number, position: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  if (readSync(fd, bytes, 0, length, position) !== length) throw new Error('geo index: truncated file');
  return bytes;
}

const PAGE_SHIFT = 12;
const PAGE_BYTES = 1 << PAGE_SHIFT;
const PAGE_OFFSET = PAGE_BYTES - 1;

/** The run tables read from the open file in 4 KiB pages, each read once and kept. */
class FileRunTable implements RunTable {
  readonly runCount: number;
  private readonly pages: (Uint8Array | undefined)[] = [];

  constructor(
    private readonly fd: number,
    private readonly layout: GeoIndexLayout,
  ) {
    this.runCount = layout.runCount;
  }

  startAt(run: number): number {
    const at = this.layout.startsAt + run * START_BYTES;
    return this.byteAt(at) | (this.byteAt(at + 1) << 8) | (this.byteAt(at + 2) << 16);
  }

  entryAt(run: number): number {
    const at = this.layout.idsAt + run * ID_BYTES;
    return this.byteAt(at) | (this.byteAt(at + 1) << 8);
  }

  private byteAt(offset: number): number {
    const page = this.pages[offset >>> PAGE_SHIFT] ?? this.readPage(offset >>> PAGE_SHIFT);
    return page[offset & PAGE_OFFSET] as number;
  }

  private readPage(number: number): Uint8Array {
    const position = number * PAGE_BYTES;
    const page = readAt(this.fd, position, Math.min(PAGE_BYTES, this.layout.fileBytes - position));
    this.pages[number] = page;
    return page;
  }
}

let shared: GeoIndex | undefined;

/** The process-wide index, loaded on first use. */
export function geoIndex(): GeoIndex {
  shared ??= loadGeoIndex();
  return shared;
}

/** Loads the index now (call at module scope of a handler so the Lambda init phase pays for it). */
export function warmGeoIndex(): GeoIndex {
  return geoIndex();
}

/**
 * Where a Chinese number is registered: province, city, area code, line type and (mobile) original
 * carrier, per libphonenumber's zh data. Undefined for foreign, malformed, unallocated or non-geographic
 * numbers (400/800, short codes). Never throws on bad input; throws only if the index file is missing.
 */
export function lookupRegion(number: string): CallerRegion | undefined {
  return geoIndex().lookup(number);
}
