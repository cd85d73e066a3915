import { column, expr, pct, ratioOfIncreases } from './derive';
import { define } from './catalog-core';
import type { RuleUnit } from '@pgvigil/schema';
import type { Derive, RuleDefinition, RuleParam } from './types';

/** Per-second increase of a counter between consecutive rows (null across a reset). */
const perSecond =
  (col: string): Derive =>
  (rows) =>
    rows.slice(1).map((r, i) => {
      const prev = rows[i]!;
      const d = Number(r.values[col]) - Number(prev.values[col]);
      const s = (r.at.getTime() - prev.at.getTime()) / 1000;
      return { at: r.at, value: d >= 0 && s > 0 ? d / s : null };
    });

interface AnomalyMetric {
  key: string;
  name: string;
  probe: string;
  columns: readonly string[];
  unit: RuleUnit;
  /** the metric from raw rows (the current value) */
  derive: Derive;
  /** the same metric from one hourly rollup row (the history) */
  fromRollup: (v: (name: string) => number | null) => number | null;
  floor?: number;
}

/** A counter's rate: per second between raw rows; a rollup row already holds it. */
const rate = (
  key: string,
  name: string,
  probe: string,
  col: string,
  unit: RuleUnit,
): AnomalyMetric => ({
  key,
  name,
  probe,
  columns: [col],
  unit,
  derive: perSecond(col),
  fromRollup: (v) => v(col),
});

const ANOMALIES: AnomalyMetric[] = [
  rate('anomaly_transactions', 'Transactions rate', 'database_stats', 'xact_commit', 'per_second'),
  rate('anomaly_rollbacks', 'Rollbacks rate', 'database_stats', 'xact_rollback', 'per_second'),
  {
    key: 'anomaly_connections',
    name: 'Connections',
    probe: 'activity_extremes',
    columns: ['total_sessions'],
    unit: 'count',
    derive: column('total_sessions'),
    fromRollup: (v) => v('total_sessions'),
  },
  {
    key: 'anomaly_replication_lag',
    name: 'Replication lag',
    probe: 'replication',
    columns: ['replay_lag_bytes'],
    unit: 'bytes',
    derive: column('replay_lag_bytes'),
    fromRollup: (v) => v('replay_lag_bytes'),
    // a standby that keeps up is some KB behind at any instant: judge MiB, not bytes
    floor: 1024 ** 2,
  },
  rate(
    'anomaly_temp_bytes',
    'Temporary bytes rate',
    'database_stats',
    'temp_bytes',
    'bytes_per_second',
  ),
  {
    key: 'anomaly_cache_hit',
    name: 'Cache hit ratio',
    probe: 'database_stats',
    columns: ['blks_hit', 'blks_read'],
    unit: 'percent',
    derive: ratioOfIncreases(['blks_hit'], ['blks_hit', 'blks_read']),
    // hits per second over (hits + reads) per second: the same ratio over the hour
    fromRollup: (v) => {
      const hit = v('blks_hit');
      const read = v('blks_read');
      return hit === null || read === null ? null : pct(hit, hit + read);
    },
  },
  rate('anomaly_wal_bytes', 'WAL bytes rate', 'wal', 'wal_bytes', 'bytes_per_second'),
  // active_time is milliseconds: its rate is milliseconds of query time per second
  rate(
    'anomaly_query_time',
    'Query time (active session time) rate',
    'database_stats',
    'active_time',
    'ms_per_second',
  ),
];

/** The days of samples a forecast fits its trend to: tunable globally and by override. */
const trendWindow = (days: number): RuleParam => ({
  label: 'Trend window',
  default: days,
  unit: 'days',
  min: 1,
});

const OBJECT_KEYS: Record<string, readonly string[]> = {
  database_stats: ['datname'],
  replication: ['application_name', 'client_addr'],
};

/**
 * Forecasts: the value is "days until the trend reaches the limit"; they fire when
 * that is short. Anomalies: the value is how many robust standard deviations the
 * metric is from its seasonal baseline.
 */
export const TREND_RULES: RuleDefinition[] = [
  define({
    key: 'disk_full_forecast',
    name: 'Disk full soon',
    kind: 'forecast',
    category: 'storage',
    source: {
      probe: 'os_disk',
      columns: ['used_bytes', 'total_bytes'],
      objectKeys: ['mount_point'],
      derive: expr((v) => pct(v('used_bytes'), v('total_bytes'))),
    },
    forecast: { limit: 100, windowDays: 7 },
    params: { window_days: trendWindow(7) },
    operator: '<',
    warning: 14,
    critical: 3,
    forSeconds: 3600,
    unit: 'days',
    enabledByDefault: false,
    explanation: 'Linear trend of disk usage over 7 days, projected to 100 %.',
    runbook: 'Add space or remove data before the date shown; check WAL retention and bloat first.',
  }),
  define({
    key: 'xid_wraparound_forecast',
    name: 'Transaction ID wraparound soon',
    kind: 'forecast',
    category: 'wraparound',
    source: {
      probe: 'wraparound',
      columns: ['xid_wraparound_pct'],
      objectKeys: ['datname'],
      derive: column('xid_wraparound_pct'),
    },
    forecast: { limit: 100, windowDays: 7 },
    params: { window_days: trendWindow(7) },
    operator: '<',
    warning: 30,
    critical: 7,
    forSeconds: 3600,
    unit: 'days',
    explanation:
      'Days until age(datfrozenxid) reaches the wraparound limit at the current consumption rate, if vacuum does not freeze.',
    runbook:
      'Freeze the oldest tables now (VACUUM (FREEZE, VERBOSE)); see the xid_wraparound rule.',
  }),
  define({
    key: 'sequence_exhaustion_forecast',
    name: 'Sequence exhausted soon',
    kind: 'forecast',
    category: 'schema',
    source: {
      probe: 'sequences',
      unavailableColumn: 'skipped',
      columns: ['used_pct'],
      objectKeys: ['schemaname', 'sequencename'],
      derive: column('used_pct'),
    },
    forecast: { limit: 100, windowDays: 14 },
    params: { window_days: trendWindow(14) },
    operator: '<',
    warning: 90,
    critical: 30,
    forSeconds: 3600,
    unit: 'days',
    explanation: 'Days until the sequence reaches its maximum at its current rate.',
    runbook: 'Plan the bigint migration before that date.',
  }),
  ...ANOMALIES.map((a) =>
    define({
      key: a.key,
      name: `${a.name} outside its usual band`,
      kind: 'anomaly',
      category: 'throughput',
      source: {
        probe: a.probe,
        columns: a.columns,
        derive: a.derive,
        objectKeys: OBJECT_KEYS[a.probe] ?? [],
      },
      anomaly: {
        sensitivity: 3,
        metricUnit: a.unit,
        fromRollup: a.fromRollup,
        ...(a.floor ? { floor: a.floor } : {}),
      },
      aggregation: 'avg',
      windowSeconds: 900,
      warning: 3,
      critical: null,
      forSeconds: 900,
      unit: 'sigma',
      explanation: `${a.name} compared with its own seasonal baseline from the hourly rollups (same hour of the week, else same hour of the day, else overall; median and MAD). Silent during the first week of history.`,
      runbook:
        'Compare with the expected band on the chart; a deploy, a batch job or a traffic change usually explains it.',
    }),
  ),
];
