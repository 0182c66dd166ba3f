/**
 * Environment defaults for running handlers on this machine, set before any module reads them (Powertools
 * builds its logger and metrics at import time). Imported first by ./main.ts.
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// Node 20 here; the pinned SDK only warns that its releases after January 2027 need Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
