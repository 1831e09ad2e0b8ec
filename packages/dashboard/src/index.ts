/**
 * `@bigmodel/dashboard`: a live, local dashboard of bigmodel runs, charting the JSON-lines metrics
 * they write (`JsonlLogger` in @bigmodel/core) with tfjs-vis.
 *
 * @packageDocumentation
 */
export { startDashboard, type Dashboard, type DashboardOptions } from './start-dashboard';
export { listRuns, readMetrics, resolveRun, resolveRunFile, type RunInfo } from './runs';
