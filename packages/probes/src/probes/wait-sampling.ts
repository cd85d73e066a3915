import type { ColumnDef } from '../types';
import { V14, defineProbe } from './define';

// pg_wait_sampling samples every backend's wait event each profile_period (10 ms by default)
// and counts the samples per (pid, event, queryid) until reset. Summed over pids, a count is
// time: samples x profile_period. A NULL event is a sample on CPU (sample_cpu, the default).
// Left out as idle, not work: background processes' main loops (Activity) and sessions
// waiting for their client's next statement (ClientRead outside any statement).
const IDLE = `event_type IS DISTINCT FROM 'Activity'
       AND NOT (event = 'ClientRead' AND coalesce(queryid, 0) = 0)`;
const PERIOD = `current_setting('pg_wait_sampling.profile_period')::int`;
const EVENT = `coalesce(event_type, 'CPU') AS event_type, coalesce(event, 'CPU') AS event`;
const SAMPLES = `sum(count)::bigint AS samples, (sum(count) * ${PERIOD})::double precision AS wait_time`;

const counters: ColumnDef[] = [
  { name: 'event_type', type: 'text', key: true },
  { name: 'event', type: 'text', key: true },
  { name: 'samples', type: 'bigint', delta: true, unit: 'count', description: 'samples taken' },
  {
    name: 'wait_time',
    type: 'double',
    delta: true,
    unit: 'ms',
    description: 'samples x pg_wait_sampling.profile_period: the time spent in the event',
  },
  {
    name: 'interval_seconds',
    type: 'double',
    unit: 'seconds',
    description: 'time the deltas cover',
  },
];

const common = {
  scope: 'instance',
  intervalSeconds: 60,
  retentionDays: 7,
  requiresExtension: 'pg_wait_sampling',
  preloaded: true,
  mode: 'delta',
  rollups: false,
  sources: ['pg_wait_sampling_profile'],
  notes:
    "Needs pg_wait_sampling in shared_preload_libraries and CREATE EXTENSION pg_wait_sampling in the maintenance database; per statement needs pg_wait_sampling.profile_queries on (the default) and a queryid (compute_query_id, on with pg_stat_statements). pgvigil never resets the profile; a reset counts from zero. Event 'CPU' is time on CPU (pg_wait_sampling.sample_cpu).",
} as const;

export const statementWaits = defineProbe({
  ...common,
  name: 'statement_waits',
  title: 'Waits per statement (pg_wait_sampling)',
  description:
    'pg_wait_sampling_profile summed over backends per statement (queryid) and wait event, as deltas between runs: what each statement waited on (locks, I/O, LWLocks, the client) and how long it ran on CPU. The 100 (statement, event) pairs with the most time per run are kept, plus one "(others)" row.',
  deltaTopN: 100,
  rankBy: 'wait_time',
  columns: [{ name: 'queryid', type: 'bigint', key: true }, ...counters],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT NULL::double precision AS interval_seconds, queryid::text AS queryid, ${EVENT}, ${SAMPLES}
              FROM pg_wait_sampling_profile
             WHERE coalesce(queryid, 0) <> 0 AND ${IDLE}
             GROUP BY queryid, event_type, event`,
    },
  ],
});

export const waitProfile = defineProbe({
  ...common,
  name: 'wait_profile',
  title: 'Wait profile of the server (pg_wait_sampling)',
  description:
    "pg_wait_sampling_profile summed over backends and statements per wait event, as deltas between runs: the server's wait profile, including waits outside any statement (autovacuum, replication, checkpoints) and time on CPU.",
  columns: counters,
  sql: [
    {
      minVersion: V14,
      sql: `SELECT NULL::double precision AS interval_seconds, ${EVENT}, ${SAMPLES}
              FROM pg_wait_sampling_profile
             WHERE ${IDLE}
             GROUP BY event_type, event`,
    },
  ],
});
