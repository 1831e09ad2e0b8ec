/**
 * `@bigmodel/dashboard`: a live, local dashboard of bigmodel runs, charting the JSON-lines metrics
 * they write (`JsonlLogger` in @bigmodel/core) and the journals of searches (`runSearch` in
 * @bigmodel/nas) with tfjs-vis.
 *
 * @packageDocumentation
 */
export { startDashboard, type Dashboard, type DashboardOptions } from './start-dashboard';
export {
  listRuns,
  readMetrics,
  readSearch,
  resolveRun,
  resolveRunFile,
  JOURNAL_FILE,
  MAX_JOURNAL_BYTES,
  METRICS_CHUNK_BYTES,
  METRICS_FILE,
  type MetricsChunk,
  type RunInfo,
  type SearchSummary,
  type SearchTrial,
} from './run-files';
