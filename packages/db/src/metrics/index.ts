// Metric storage: typed tables per probe, COPY ingest, latest/series reads, rollups.
export * from '@pgvigil/schema/metric-spec';
export { ensureMetricTable } from './ensure-metric-table';
export {
  writeSamples,
  pruneIngestLedger,
  copyLines,
  copyText,
  copyValue,
  type Sample,
  type SampleBatch,
} from './write-samples';
export { getMetricCatalog, listMetricCatalog, type CatalogEntry } from './catalog';
export { counterRate } from './rates';
export { readLatest, type ReadLatestInput, type LatestRow } from './read-latest';
export { readLastSnapshot, type LastSnapshot } from './read-snapshot';
export {
  readSeries,
  chooseResolution,
  SERIES_RESOLUTIONS,
  type SeriesResolution,
  type ReadSeriesInput,
  type Series,
  type SeriesPoint,
} from './read-series';
export { refreshRollup, rollupWindow } from './refresh-rollups';
export { readRollupRows, type ReadRollupRowsInput, type RollupRow } from './read-rollup-rows';
export { syncLeases, releaseLeases, type LeaseOptions, type LeasedServer } from './leases';
export * from './collector-state';
export {
  listEffectiveProbeSettings,
  setProbeSetting,
  clearProbeSetting,
  RETENTION_GLOBAL_ONLY,
  SETTING_SOURCES,
  type SettingSource,
  type ProbeDefaults,
  type Sourced,
  type ProbeSettingOverride,
  type EffectiveProbeSetting,
  type ProbeSettingTarget,
} from './probe-settings';
export { saveQueryPlans, type CapturedPlan } from './query-plans';
export { saveIndexCandidates, listIndexCandidates, type IndexCandidate } from './index-candidates';
export { readLogCursor, saveLogCursor, type StoredLogCursor } from './log-cursors';
