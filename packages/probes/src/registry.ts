import type { MetricSpec } from '@pgvigil/schema';
import { EXTERNAL_METRICS } from './patroni/model';
import { connectivity, serverInfo, settings, hbaRules, extensions } from './probes/availability';
import {
  activitySummary,
  activityExtremes,
  connectionLimits,
  sessions,
  locks,
  lockTable,
  blocking,
  preparedXacts,
} from './probes/activity';
import {
  autovacuumWorkers,
  progressVacuum,
  progressAnalyze,
  progressCreateIndex,
  progressCluster,
  progressBasebackup,
} from './probes/progress';
import {
  databaseStats,
  databaseConflicts,
  databaseSize,
  wraparound,
} from './probes/database-stats';
import {
  bgwriter,
  checkpointer,
  wal,
  walDirectory,
  archiver,
  io,
  slru,
  connectionSecurity,
} from './probes/background';
import {
  replication,
  walReceiver,
  replicationSlots,
  replicationSlotStats,
  publications,
  subscriptions,
  subscriptionSync,
  subscriptionStats,
  recoveryPrefetch,
  spockNodes,
  spockSubscriptions,
  spockExceptions,
  spockResolutions,
} from './probes/replication';
import { statements, statementsInfo } from './probes/statements';
import { statementsDetail } from './probes/statements-detail';
import { statementsKcache } from './probes/kcache';
import { statementWaits, waitProfile } from './probes/wait-sampling';
import { configLint } from './probes/config-lint';
import { tables, indexes, indexHealth } from './probes/tables';
import { tableIo, indexIo, sequenceIo } from './probes/statio';
import {
  tableBloat,
  indexBloat,
  functions,
  tablesWithoutPk,
  schemaSnapshot,
} from './probes/schema-objects';
import { sequences } from './probes/sequences';
import { osLoad, osMemory, osCpu, osDisk, osDiskIo, osNetwork } from './probes/os';
import { buffercacheDatabases, buffercacheUsage } from './probes/buffercache';
import { POOLER_PROBES } from './pooler/probes';
import { LOG_EVENTS_METRIC } from './logs/events';
import type { ProbeDefinition } from './types';

/** Every probe pgvigil runs, in display order (docs, CLI, UI pickers). */
export const PROBES: readonly ProbeDefinition[] = [
  connectivity,
  serverInfo,
  settings,
  hbaRules,
  extensions,
  activitySummary,
  activityExtremes,
  connectionLimits,
  sessions,
  locks,
  lockTable,
  blocking,
  preparedXacts,
  autovacuumWorkers,
  progressVacuum,
  progressAnalyze,
  progressCreateIndex,
  progressCluster,
  progressBasebackup,
  databaseStats,
  databaseConflicts,
  databaseSize,
  wraparound,
  bgwriter,
  checkpointer,
  wal,
  walDirectory,
  archiver,
  io,
  slru,
  connectionSecurity,
  replication,
  walReceiver,
  replicationSlots,
  replicationSlotStats,
  publications,
  subscriptions,
  subscriptionSync,
  subscriptionStats,
  recoveryPrefetch,
  spockNodes,
  spockSubscriptions,
  spockExceptions,
  spockResolutions,
  statements,
  statementsInfo,
  statementsDetail,
  statementsKcache,
  statementWaits,
  waitProfile,
  tables,
  indexes,
  indexHealth,
  tableIo,
  indexIo,
  sequenceIo,
  buffercacheDatabases,
  buffercacheUsage,
  tableBloat,
  indexBloat,
  sequences,
  functions,
  tablesWithoutPk,
  configLint,
  schemaSnapshot,
  osLoad,
  osMemory,
  osCpu,
  osDisk,
  osDiskIo,
  osNetwork,
];

export const PROBE_NAMES: readonly string[] = PROBES.map((p) => p.name);

export function getProbe(name: string): ProbeDefinition | undefined {
  return PROBES.find((p) => p.name === name);
}

/**
 * Any metrics table's spec by name: PostgreSQL's probes, the pooler's and the external
 * metrics (Patroni) and the server log's events. For readers of stored samples (rules, charts), which do not care
 * what produced them.
 */
export function getMetricSpec(name: string): MetricSpec | undefined {
  return (
    getProbe(name) ??
    POOLER_PROBES.find((p) => p.name === name) ??
    EXTERNAL_METRICS.find((m) => m.name === name) ??
    (name === LOG_EVENTS_METRIC.name ? LOG_EVENTS_METRIC : undefined)
  );
}
