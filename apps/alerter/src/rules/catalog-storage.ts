import { column, expr } from './derive';
import { define, GiB, MiB } from './catalog-core';
import type { RuleDefinition } from './types';

const TABLE = ['schemaname', 'relname'] as const;

/** Vacuum, bloat, schema health, size, extensions and the host. */
export const STORAGE_RULES: RuleDefinition[] = [
  define({
    key: 'autovacuum_overdue',
    name: 'Table not autovacuumed',
    category: 'vacuum',
    source: {
      probe: 'tables',
      columns: ['vacuum_overdue'],
      objectKeys: TABLE,
      derive: column('vacuum_overdue'),
    },
    warning: 0,
    critical: null,
    forSeconds: 3600,
    unit: 'bool',
    explanation:
      "Dead tuples are above the table's autovacuum threshold (including per-table reloptions) and no vacuum has run for an hour.",
    runbook:
      'Check pg_stat_progress_vacuum and autovacuum workers; a worker may be blocked on a lock or throttled by autovacuum_vacuum_cost_limit.',
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
      columns: ['bloat_pct', 'bloat_bytes'],
      objectKeys: TABLE,
      derive: expr((v) => ((v('bloat_bytes') ?? 0) > 200 * MiB ? v('bloat_pct') : 0)),
    },
    warning: 70,
    critical: null,
    forSeconds: 0,
    unit: 'percent',
    explanation: 'Estimated wasted space above 70 % of the table, counted when it exceeds 200 MiB.',
    runbook:
      'Rewrite the table online with pg_repack, or VACUUM FULL in a maintenance window; then tune autovacuum so it does not return.',
  }),
  define({
    key: 'index_bloat',
    name: 'Index bloat',
    category: 'vacuum',
    source: {
      probe: 'index_bloat',
      columns: ['bloat_pct', 'bloat_bytes'],
      objectKeys: ['schemaname', 'indexrelname'],
      derive: expr((v) => ((v('bloat_bytes') ?? 0) > 100 * MiB ? v('bloat_pct') : 0)),
    },
    warning: 60,
    critical: null,
    forSeconds: 0,
    unit: 'percent',
    explanation: 'Estimated wasted space above 60 % of the index, counted when it exceeds 100 MiB.',
    runbook: 'REINDEX INDEX CONCURRENTLY the index.',
  }),
  define({
    key: 'sequence_usage',
    name: 'Sequence near its maximum',
    category: 'schema',
    source: {
      probe: 'sequences',
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
      probe: 'integer_columns',
      columns: ['used_pct'],
      objectKeys: ['schemaname', 'relname', 'attname'],
      derive: column('used_pct'),
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
      columns: ['invalid'],
      objectKeys: ['schemaname', 'indexrelname'],
      derive: column('invalid'),
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
    key: 'pending_restart',
    name: 'Settings pending restart',
    category: 'schema',
    source: {
      probe: 'server_status',
      columns: ['pending_restart_settings'],
      derive: column('pending_restart_settings'),
    },
    warning: 0,
    critical: null,
    forSeconds: 0,
    unit: 'count',
    defaultSeverity: 'info',
    explanation:
      'Settings changed in the configuration whose new value only applies after a restart (pg_settings.pending_restart).',
    runbook: 'Plan a restart, or revert the change; the settings page lists them.',
  }),
  define({
    key: 'checksum_failures',
    name: 'Data checksum failures',
    category: 'storage',
    source: {
      probe: 'database_stats',
      columns: ['checksum_failures'],
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
    source: { probe: 'database_size', columns: ['size_bytes'], derive: column('size_bytes') },
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
    source: {
      probe: 'spock_exceptions',
      columns: ['exception_count'],
      derive: column('exception_count'),
    },
    aggregation: 'delta',
    warning: 0,
    critical: null,
    forSeconds: 0,
    unit: 'count',
    enabledByDefault: false,
    explanation: 'New rows in spock.exception_log: changes the Spock apply worker could not apply.',
    runbook:
      'Read spock.exception_log for the failing table and operation, fix the conflict, and resolve the entries.',
  }),
  ...(
    [
      ['disk_used', 'Disk used', 'disk_used_pct', 80, 90, 'Filesystem holding the data directory.'],
      ['cpu_used', 'CPU used', 'cpu_used_pct', 80, 95, 'Host CPU busy percentage.'],
      [
        'memory_used',
        'Memory used',
        'memory_used_pct',
        90,
        95,
        'Host memory in use, excluding page cache.',
      ],
      [
        'load_per_cpu',
        'Load per CPU',
        'load1_per_cpu',
        2,
        4,
        'One-minute load average divided by CPU count.',
      ],
    ] as const
  ).map(([key, name, col, warning, critical, explanation]) =>
    define({
      key,
      name,
      category: 'os',
      source: { probe: 'os', columns: [col], derive: column(col) },
      aggregation: key === 'disk_used' ? 'latest' : 'avg',
      warning,
      critical,
      unit: key === 'load_per_cpu' ? 'ratio' : 'percent',
      enabledByDefault: false,
      explanation: `${explanation} Needs OS metrics (the system_stats extension).`,
      runbook:
        'Find the processes or queries responsible on the server page; add capacity if it is sustained.',
    }),
  ),
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
      'A probe has not reported for 3 of its intervals on a server that is up: its query fails or times out.',
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
];
