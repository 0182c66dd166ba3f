/**
 * Where the compiled caller-region index lives. Kept free of imports so CDK code can read it cheaply.
 *
 * Bundling: a function that looks up caller regions (route-call, CTR ingest, rating) must have
 * `GEO_INDEX_REPO_PATH` copied beside its bundled entry file as `GEO_INDEX_FILE`, e.g. NodejsFunction
 * `bundling.commandHooks.afterBundling: (inputDir, outputDir) =>
 *   [`cp ${inputDir}/${GEO_INDEX_REPO_PATH} ${outputDir}/${GEO_INDEX_FILE}`]`.
 * Otherwise set `GEO_INDEX_PATH` to the file's absolute path.
 */
export const GEO_INDEX_FILE = 'cn-geo.bin';
/** The committed index, relative to the repository root (`npm run build:geo` writes it). */
export const GEO_INDEX_REPO_PATH = `shared/geo/data/${GEO_INDEX_FILE}`;
/** Environment variable overriding the index location. */
export const GEO_INDEX_PATH_ENV = 'GEO_INDEX_PATH';
