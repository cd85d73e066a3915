export * from './types';
export * from './connection/index';
export { PROBES, PROBE_NAMES, getProbe, getMetricSpec } from './registry';
export { selectSql, compareVersions } from './select-sql';
export {
  runProbe,
  isConnectionLoss,
  DEFAULT_TIMEOUT_MS,
  type ProbeClient,
  type ProbeContext,
} from './run-probe';
export { snapshotHash } from './snapshot-hash';
export { diffSnapshot, type DeltaSnapshot, type DeltaResult } from './delta';
export { sparseStep, type SparseState, type SparseStep } from './sparse';
export { loadProbeContext, discoverDatabases, fetchQueryTexts } from './session';
export { renderProbesDoc } from './docs';
export * from './outbound';
export {
  PROBE_PRIVILEGES,
  PRIVILEGE_CHECKS,
  PRIVILEGES_SQL,
  privilegeReason,
  helperSql,
  SEQUENCE_HELPER,
  STATS_HELPER,
  type ProbePrivilege,
} from './privileges';
export * from './readiness/index';
export * from './plans/index';
export * from './pooler/index';
export * from './advice/index';
export * from './patroni/rest';
export * from './patroni/model';
export * from './logs/index';
