import { NEVER_SECONDS } from '@pgvigil/schema';
import { column, expr, num, pct, perRow } from './derive';
import { define, GiB, MiB } from './catalog-core';
import type { Derive, RuleDefinition, RuleParam } from './types';

const TABLE = ['schemaname', 'relname'] as const;

/** bloat_pct, or 0 while the wasted bytes are under the rule's minimum (small objects). */
const bloatAbove = (param: string): Derive =>
  perRow((r, params) => {
    // no estimate (statistics hidden from the role, never analyzed): nothing observed
    const bytes = num(r.values.bloat_bytes);
    return bytes === null ? null : bytes > params[param]! ? num(r.values.bloat_pct) : 0;
  });

const minWasted = (bytes: number): RuleParam => ({
  label: 'Minimum wasted bytes',
  default: bytes,
  unit: 'bytes',
  min: 0,
});

/** Vacuum, bloat, schema health, size, extensions and the host. */
export const STORAGE_RULES: RuleDefinition[] = [
  define({
    key: 'autovacuum_overdue',
    name: 'Table not autovacuumed',
    category: 'vacuum',
    source: {
      probe: 'tables',
      columns: ['n_live_tup', 'n_dead_tup', 'vacuum_threshold', 'last_vacuum', 'last_autovacuum'],
      objectKeys: TABLE,
      // seconds since the last vacuum while dead rows exceed the table's own autovacuum
      // threshold (its reloptions, else the settings); 0 while under it. Rows collected
      // before the probe reported it use the defaults, 50 + 20 % of live rows.
      derive: perRow((r) => {
        const dead = num(r.values.n_dead_tup) ?? 0;
        const live = num(r.values.n_live_tup) ?? 0;
        if (dead <= (num(r.values.vacuum_threshold) ?? 50 + 0.2 * live)) return 0;
        const last = Math.max(num(r.values.last_vacuum) ?? 0, num(r.values.last_autovacuum) ?? 0);
        return last === 0 ? NEVER_SECONDS : r.at.getTime() / 1000 - last;
      }),
    },
    warning: 3600,
    critical: null,
    forSeconds: 600,
    unit: 'seconds',
    explanation:
      "Dead tuples are above the table's autovacuum threshold (autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor x rows, from the table's storage parameters when set, else the settings) and no vacuum has run for an hour.",
    runbook:
      'Check pg_stat_progress_vacuum and autovacuum workers; a worker may be blocked on a lock or throttled by autovacuum_vacuum_cost_limit.',
  }),
  define({
    key: 'autovacuum_saturated',
    name: 'Autovacuum workers all busy',
    category: 'vacuum',
    source: {
      probe: 'autovacuum_workers',
      columns: ['workers_used_pct'],
      derive: column('workers_used_pct'),
    },
    operator: '>=',
    warning: 100,
    critical: null,
    forSeconds: 1800,
    unit: 'percent',
    explanation:
      'Autovacuum workers running as a percentage of autovacuum_max_workers, held at 100 % for half an hour: every worker is busy, so other tables wait their turn while their dead rows and transaction ages grow.',
    runbook:
      "See what the workers do (the probe's longest job, pg_stat_progress_vacuum): one huge table or wraparound vacuums hold them. Raise autovacuum_vacuum_cost_limit (or lower the cost delay) so they finish sooner, or autovacuum_max_workers (a restart before 18).",
  }),
  define({
    key: 'dead_tuples',
    name: 'Dead tuples',
    category: 'vacuum',
    source: {
      probe: 'tables',
      columns: ['n_live_tup', 'n_dead_tup'],
      objectKeys: TABLE,
      // both conditions: at least 10 % dead and more than 10k dead rows
      derive: expr((v) => {
        const dead = v('n_dead_tup') ?? 0;
        const all = dead + (v('n_live_tup') ?? 0);
        return dead > 10_000 && all > 0 ? (100 * dead) / all : 0;
      }),
    },
    operator: '>=',
    warning: 10,
    critical: null,
    forSeconds: 1800,
    unit: 'percent',
    explanation:
      'Dead rows as a percentage of all rows, counted only when there are more than 10,000 of them.',
    runbook:
      'Autovacuum is not keeping up: lower autovacuum_vacuum_scale_factor for this table, or look for an old transaction holding the horizon.',
  }),
  define({
    key: 'table_bloat',
    name: 'Table bloat',
    category: 'vacuum',
    source: {
      probe: 'table_bloat',
      unavailableColumn: 'skipped',
      columns: ['bloat_pct', 'bloat_bytes'],
      objectKeys: TABLE,
      derive: bloatAbove('min_bytes'),
    },
    params: { min_bytes: minWasted(200 * MiB) },
    warning: 70,
    critical: null,
    forSeconds: 0,
    unit: 'percent',
    explanation:
      'Estimated wasted space above 70 % of the table, counted when it exceeds its minimum (min_bytes, 200 MiB by default).',
    runbook:
      'Rewrite the table online with pg_repack, or VACUUM FULL in a maintenance window; then tune autovacuum so it does not return.',
  }),
  define({
    key: 'index_bloat',
    name: 'Index bloat',
    category: 'vacuum',
    source: {
      probe: 'index_bloat',
      unavailableColumn: 'skipped',
      columns: ['bloat_pct', 'bloat_bytes'],
      objectKeys: ['schemaname', 'indexrelname'],
      derive: bloatAbove('min_bytes'),
    },
    params: { min_bytes: minWasted(100 * MiB) },
    warning: 60,
    critical: null,
    forSeconds: 0,
    unit: 'percent',
    explanation:
      'Estimated wasted space above 60 % of the index, counted when it exceeds its minimum (min_bytes, 100 MiB by default).',
    runbook: 'REINDEX INDEX CONCURRENTLY the index.',
  }),
  define({
    key: 'sequence_usage',
    name: 'Sequence near its maximum',
    category: 'schema',
    source: {
      probe: 'sequences',
      unavailableColumn: 'skipped',
      columns: ['used_pct'],
      objectKeys: ['schemaname', 'sequencename'],
      derive: column('used_pct'),
    },
    warning: 75,
    critical: 90,
    forSeconds: 0,
    unit: 'percent',
    explanation:
      "last_value as a percentage of the sequence's max_value (or of the column type it feeds, when smaller).",
    runbook:
      'Migrate the column to bigint (ALTER SEQUENCE ... AS bigint and the column type) before inserts start failing.',
  }),
  define({
    key: 'column_usage',
    name: 'Integer key column near its maximum',
    category: 'schema',
    source: {
      probe: 'sequences',
      unavailableColumn: 'skipped',
      columns: ['column_used_pct'],
      objectKeys: ['schemaname', 'sequencename'],
      derive: column('column_used_pct'),
    },
    warning: 75,
    critical: 90,
    forSeconds: 0,
    unit: 'percent',
    explanation:
      "Highest value of an integer / smallint key column as a percentage of its type's maximum.",
    runbook:
      'Convert the column to bigint; on large tables do it with a new column, a backfill and a swap.',
  }),
  define({
    key: 'invalid_index',
    name: 'Invalid index',
    category: 'schema',
    source: {
      probe: 'indexes',
      columns: ['is_valid'],
      objectKeys: ['schemaname', 'indexrelname'],
      derive: expr((v) => (v('is_valid') === 0 ? 1 : 0)),
    },
    warning: 0,
    critical: null,
    forSeconds: 0,
    unit: 'bool',
    explanation:
      'indisvalid is false, usually after a failed CREATE INDEX CONCURRENTLY. It is maintained on writes but never used by queries.',
    runbook: 'DROP INDEX CONCURRENTLY it and create it again.',
  }),
  define({
    key: 'config_drift',
    name: 'Configuration changed since marked known-good',
    category: 'schema',
    source: {
      // per marked server, built by the alerter: the newest snapshots against the mark
      probe: '$config_drift',
      columns: ['settings', 'hba', 'changed'],
      derive: expr((v) => (v('settings') ?? 0) + (v('hba') ?? 0)),
    },
    warning: 0,
    critical: null,
    forSeconds: 0,
    unit: 'count',
    explanation:
      "Settings (pg_settings values) or pg_hba.conf lines that differ from the configuration an admin marked as known-good on the server's page (or POST /api/v1/servers/{id}/config-baseline). Servers never marked are not judged. It clears when the change is reverted or the new configuration is marked.",
    runbook:
      "Open the server's page: the Configuration drift section lists each setting's marked and current value and the pg_hba.conf lines added or removed. Revert what was not intended; mark the configuration again when the change was.",
  }),
  define({
    key: 'pending_restart',
    name: 'Settings pending restart',
    windowSeconds: 30 * 86_400,
    category: 'schema',
    source: {
      probe: 'settings',
      columns: ['pending_restart'],
      objectKeys: ['name'],
      derive: column('pending_restart'),
    },
    warning: 0,
    critical: null,
    forSeconds: 0,
    unit: 'count',
    defaultSeverity: 'info',
    explanation:
      'Settings changed in the configuration whose new value only applies after a restart (pg_settings.pending_restart).',
    runbook:
      'Plan a restart, or revert the change by setting the running value again (ALTER SYSTEM RESET can leave the flag set until a restart); the settings page lists them.',
  }),
  define({
    key: 'checksum_failures',
    name: 'Data checksum failures',
    category: 'storage',
    source: {
      probe: 'database_stats',
      columns: ['checksum_failures'],
      objectKeys: ['datname'],
      derive: column('checksum_failures'),
    },
    aggregation: 'delta',
    windowSeconds: 3600,
    warning: null,
    critical: 0,
    forSeconds: 0,
    unit: 'count',
    explanation: 'Pages that failed checksum verification: storage corruption.',
    runbook:
      'Treat as an incident: check the storage layer, restore affected relations from backup, and fail over if a standby is clean.',
  }),
  define({
    key: 'database_size',
    name: 'Database size',
    category: 'storage',
    source: {
      probe: 'database_size',
      columns: ['size_bytes'],
      objectKeys: ['datname'],
      derive: column('size_bytes'),
    },
    warning: 500 * GiB,
    critical: 1024 * GiB,
    forSeconds: 0,
    unit: 'bytes',
    explanation:
      'pg_database_size(). The defaults are placeholders: set them per server to what its disk allows.',
    runbook: 'Look at the biggest tables and indexes, retention of old data and bloat.',
  }),
  define({
    key: 'spock_exceptions',
    name: 'Spock exceptions',
    category: 'replication',
    source: { probe: 'spock_exceptions', columns: ['exceptions'], derive: column('exceptions') },
    aggregation: 'delta',
    warning: 0,
    critical: null,
    forSeconds: 0,
    unit: 'count',
    enabledByDefault: false,
    explanation:
      'New rows in spock.exception_log in the last 15 minutes: changes the Spock apply worker could not apply.',
    runbook:
      'Read spock.exception_log for the failing table and operation, fix the conflict, and resolve the entries.',
  }),
  define({
    key: 'spock_subscription_down',
    name: 'Spock subscription not replicating',
    category: 'replication',
    source: {
      probe: 'spock_subscriptions',
      columns: ['status'],
      objectKeys: ['subscription_name'],
      derive: (rows) =>
        rows.map((r) => ({ at: r.at, value: r.values.status === 'replicating' ? 0 : 1 })),
    },
    warning: null,
    critical: 0,
    forSeconds: 300,
    unit: 'bool',
    enabledByDefault: false,
    explanation:
      'A Spock subscription whose status is not "replicating" (down, initializing for too long, or disabled). Spock apply exceptions themselves are not collected yet.',
    runbook:
      'Check spock.sub_show_status() and spock.exception_log on the subscriber, fix the conflict, and re-enable the subscription.',
  }),
  define({
    key: 'disk_used',
    name: 'Disk used',
    category: 'os',
    source: {
      probe: 'os_disk',
      columns: ['used_bytes', 'total_bytes'],
      objectKeys: ['mount_point'],
      derive: expr((v) => pct(v('used_bytes'), v('total_bytes'))),
    },
    warning: 80,
    critical: 90,
    unit: 'percent',
    enabledByDefault: false,
    explanation: 'Filesystem usage per mount point (system_stats extension).',
    runbook: 'Find what grows (WAL, a table, logs) and add space before it fills.',
  }),
  define({
    key: 'inodes_used',
    name: 'Inodes used',
    category: 'os',
    source: {
      probe: 'os_disk',
      columns: ['used_inodes', 'total_inodes'],
      objectKeys: ['mount_point'],
      derive: expr((v) => pct(v('used_inodes'), v('total_inodes'))),
    },
    warning: 80,
    critical: 90,
    unit: 'percent',
    enabledByDefault: false,
    explanation:
      'Inodes used per mount point (system_stats extension). Out of inodes, the file system refuses new files (WAL segments, temporary files) with space still free.',
    runbook:
      'Find the directory with millions of small files (old logs, temp files, a WAL archive kept on the same disk); remove them or move them, or recreate the file system with more inodes.',
  }),
  define({
    key: 'cpu_used',
    name: 'CPU used',
    category: 'os',
    source: {
      probe: 'os_cpu',
      columns: ['idle_pct'],
      derive: expr((v) => (v('idle_pct') === null ? null : 100 - v('idle_pct')!)),
    },
    aggregation: 'avg',
    warning: 80,
    critical: 95,
    unit: 'percent',
    enabledByDefault: false,
    explanation: 'Host CPU busy percentage over 15 minutes (system_stats extension).',
    runbook:
      'Find the expensive queries on the statements page; add capacity if the load is legitimate.',
  }),
  define({
    key: 'memory_used',
    name: 'Memory used',
    category: 'os',
    source: {
      probe: 'os_memory',
      columns: ['used_memory', 'total_memory'],
      derive: expr((v) => pct(v('used_memory'), v('total_memory'))),
    },
    aggregation: 'avg',
    warning: 90,
    critical: 95,
    unit: 'percent',
    enabledByDefault: false,
    explanation: 'Host memory in use over 15 minutes (system_stats extension).',
    runbook: 'Check work_mem x connections, shared_buffers, and other processes on the host.',
  }),
  define({
    key: 'load',
    name: 'Load average per CPU',
    category: 'os',
    source: {
      probe: 'os_load',
      columns: ['load_per_cpu'],
      derive: column('load_per_cpu'),
    },
    warning: 1.5,
    critical: 3,
    unit: 'ratio',
    enabledByDefault: false,
    explanation:
      "Five-minute load average divided by the host's logical CPUs (system_stats extension): 1 means as many runnable (or I/O-blocked) processes as CPUs. Thresholds are per CPU, so one rule fits hosts of any size.",
    runbook:
      'Correlate with CPU and I/O wait; find the queries responsible. Load well above the CPU count with idle CPUs means processes wait on I/O.',
  }),
  define({
    key: 'swap_used',
    name: 'Swap used',
    category: 'os',
    source: {
      probe: 'os_memory',
      columns: ['swap_used', 'swap_total'],
      // a host without swap uses none of it
      derive: expr((v) => (v('swap_total') === 0 ? 0 : pct(v('swap_used'), v('swap_total')))),
    },
    aggregation: 'avg',
    warning: 20,
    critical: 50,
    unit: 'percent',
    enabledByDefault: false,
    explanation:
      'Share of swap in use over 15 minutes (system_stats extension). PostgreSQL pages that are swapped out turn memory reads into disk reads at random moments.',
    runbook:
      'Find what grew (work_mem x sessions, maintenance_work_mem, other processes on the host), lower it or add memory; consider vm.swappiness.',
  }),
  define({
    key: 'metrics_stale',
    name: 'Metrics stale',
    category: 'pgvigil',
    source: {
      probe: '$staleness',
      columns: ['intervals_behind'],
      objectKeys: ['probe'],
      derive: column('intervals_behind'),
    },
    operator: '>=',
    warning: 3,
    critical: null,
    forSeconds: 0,
    unit: 'count',
    explanation:
      'A probe has not reported for 3 of its intervals on a server that is up: its query fails or times out. Probes listing objects that may all be absent (slots, blocked sessions, indexes) are not judged: an empty result writes no sample.',
    runbook:
      "Run `npm run probe -- --url <conninfo>` to see the probe's error; check grants (pg_monitor) and statement_timeout.",
  }),
  define({
    key: 'collector_down',
    name: 'Collector not running',
    category: 'pgvigil',
    source: { probe: '$heartbeat', columns: ['seconds_since'], derive: column('seconds_since') },
    warning: null,
    critical: 120,
    forSeconds: 0,
    unit: 'seconds',
    explanation:
      'No collector heartbeat for 2 minutes. While it lasts, rules on that data report no_data instead of resolving.',
    runbook: 'Check the collector process (npm start supervises it) and its log.',
  }),
  define({
    key: 'collector_behind',
    name: 'Collector falling behind',
    category: 'pgvigil',
    source: {
      probe: '$heartbeat',
      columns: ['collector_lag_seconds'],
      derive: column('collector_lag_seconds'),
    },
    warning: 120,
    critical: 600,
    forSeconds: 60,
    unit: 'seconds',
    explanation:
      'How far the running collector is behind, from its heartbeat: the age of the oldest sample still waiting in its buffer for the datastore, or how late its probes start (p99), whichever is more. Samples arrive late, so every rule judges old data; when the buffer fills, the oldest samples are dropped.',
    runbook:
      'Samples waiting: the datastore is slow or refusing writes (its disk, its connections; /api/v1/health says which). Probes late: the collector is short of CPU or monitored servers answer slowly; run several collectors (docs/scale-out.md).',
  }),
  define({
    key: 'alerter_behind',
    name: 'Notifications waiting',
    category: 'pgvigil',
    source: {
      probe: '$heartbeat',
      columns: ['outbox_wait_seconds'],
      derive: column('outbox_wait_seconds'),
    },
    warning: 300,
    critical: 900,
    forSeconds: 0,
    unit: 'seconds',
    explanation:
      'How long the oldest notification due in the outbox has waited to be delivered. The alerter delivers every second; a wait of minutes means deliveries fail and are retried, or the alerter is overloaded. This message goes through the same outbox: it reaches the channels that still work, and the alerts page in any case.',
    runbook:
      'Open Channels: the deliveries list shows the error of each failed attempt. A receiver that times out slows every delivery of a batch; fix or disable that channel.',
  }),
  define({
    key: 'partitions_ahead',
    name: 'Partitions not created ahead',
    category: 'pgvigil',
    source: {
      probe: '$partitions',
      columns: ['seconds_ahead'],
      objectKeys: ['table'],
      derive: column('seconds_ahead'),
    },
    operator: '<',
    warning: 48 * 3600,
    critical: 12 * 3600,
    forSeconds: 0,
    unit: 'seconds',
    explanation:
      "How long pgvigil's own metrics table still has daily partitions ahead. The collector creates them 3 days ahead, every 15 minutes; under 2 days means that upkeep has failed for a day, and when the last partition ends, new samples of that table have nowhere to go and are lost.",
    runbook:
      'Read the collector\'s log for "partition maintenance failed": a full disk on the datastore (SQLSTATE 53100) or missing privileges. Fix the cause; the next upkeep, within 15 minutes, creates what is missing (docs/operations.md).',
  }),
];
