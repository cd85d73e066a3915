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
export * from './secret-rotation';
export * from './heartbeats';
export {
  getHealth,
  STALE_AFTER_MS,
  type Health,
  type HealthContext,
  type ComponentHealth,
} from './health';
export { selfProblems, LAG_AFTER_MS, type HealthFacts } from './self-problems';
export { parseEnv, envVars, datastoreEnv, EnvError } from './env';
export { leadership, type Leadership } from './leadership';
export {
  readDatastoreState,
  writeDatastoreState,
  clearDatastoreState,
  DATASTORE_STATE_FILE,
  type DatastoreState,
} from './datastore-state';
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
