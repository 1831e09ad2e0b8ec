export { listRuns, METRICS_FILE, JOURNAL_FILE, type RunInfo } from './list-runs';
export { resolveRun } from './resolve-run';
export { resolveRunFile } from './resolve-run-file';
export { readMetrics, METRICS_CHUNK_BYTES, type MetricsChunk } from './read-metrics';
export { readSearch, MAX_JOURNAL_BYTES, type SearchSummary, type SearchTrial } from './read-search';
