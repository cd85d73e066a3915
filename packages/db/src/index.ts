export * from './domain';
export * from './errors';
export {
  createDb,
  ident,
  readsMetrics,
  type Db,
  type DbOptions,
  type Queryable,
  type Row,
} from './client';
export { appliedVersion } from './schema-version';
export {
  migrate,
  loadMigrations,
  migrationsDir,
  type Migration,
  type MigrateResult,
} from './migrate';
export * from './partitions';
export { scheduleMaintenance, type MaintenanceJob } from './maintenance';
export * from './secret-box';
export * from './heartbeats';
export { getHealth, STALE_AFTER_MS, type Health, type ComponentHealth } from './health';
export { parseEnv, envVars, datastoreEnv, EnvError } from './env';
export { leadership, type Leadership } from './leadership';
export {
  citusLayout,
  citusLayoutProblems,
  citusLayoutSql,
  DISTRIBUTION_COLUMN,
  PER_SERVER_TABLES,
  type CitusLayout,
} from './citus';
export {
  ensureSetupToken,
  readSetupToken,
  removeSetupToken,
  setupTokenMatches,
  setupTokenPath,
} from './setup-token';
