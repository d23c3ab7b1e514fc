/** The sweep engine's programmatic API (the CLI commands are thin layers over it). */
export { SWEEP_AXES, PARAMETER_KEYS, axisByKey, type AxisValue, type SweepAxis } from './axes.js';
export {
  SWEEP_FIELDS,
  sweepFileSchema,
  readSweepFile,
  sweepSpecFromInput,
  resolveTraces,
  expandGrid,
  SweepGrid,
  describeSameConfigurations,
  makeJob,
  parseShard,
  shardJobs,
  jobId,
  type Shard,
  type SweepJob,
  type SweepSpec,
  type WorkloadSpec,
  type RawSweepInput,
} from './spec.js';
export { runSweep, runSweepJobs, defaultWorkers, sweepWorkerCount, writeCsv, writeCharts, type SweepOptions, type SweepSummary } from './runner.js';
export { readResultsFile, latestRecords, currentRecords, withDetail, RESULTS_FILE, CSV_FILE, DETAIL_DIR, type SweepRecord, type RecordDetail } from './results.js';
export { formatCsv, parseCsv, CSV_HEADER, iotlbHitRate } from './csv.js';
export { formatSummary, distinguishingFolders } from './summary.js';
export { mergeSweeps, mergeRecords, type MergePreference, type MergeSummary } from './merge.js';
export { createProgressReporter, type ProgressReporter, type ProgressSnapshot } from './progress.js';
export { CHART_METRICS, chartLayout, chartNames, type ChartLayout, type ChartMetric } from './charts.js';
