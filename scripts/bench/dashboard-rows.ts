// The SQL that generates one probe's samples for many servers over a time range, from
// the probe's own column list: counters grow with a daily wave and reset every 10 days
// (at a different hour per server), gauges follow the wave with noise. Samples sit on
// the probe's interval grid, shifted by a per-server offset as a real collector's are.
import { ident } from '@pgvigil/db';
import type { ProbeDefinition } from '@pgvigil/probes';
import { SQL_TYPES } from '@pgvigil/schema/metric-spec';

/**
 * One row of a sample: its key column values (null: the "(others)" row of a probe whose
 * key is NULL there), an index and a weight scaling its numbers.
 */
export type KeyRow = { i: number; w: number } & Record<string, string | number | boolean | null>;

/** Per-second rates of counters (per unit of weight) and typical gauge values. */
const BASE: Record<string, number> = {
  xact_commit: 150,
  xact_rollback: 1.5,
  blks_read: 40,
  blks_hit: 6000,
  tup_returned: 20_000,
  tup_fetched: 3000,
  tup_inserted: 80,
  tup_updated: 60,
  tup_deleted: 8,
  temp_bytes: 40_000,
  temp_files: 0.01,
  deadlocks: 0.0002,
  session_time: 20_000,
  active_time: 4000,
  sessions: 0.5,
  numbackends: 20,
  wal_bytes: 400_000,
  lsn_bytes: 400_000,
  wal_records: 900,
  wal_fpi: 40,
  num_timed: 1 / 300,
  num_requested: 1 / 7200,
  num_done: 1 / 300,
  buffers_written: 60,
  write_time: 80,
  sync_time: 5,
  reads: 60,
  writes: 15,
  hits: 6000,
  extends: 4,
  read_bytes: 60 * 8192,
  write_bytes: 15 * 8192,
  extend_bytes: 4 * 8192,
  max_connections: 200,
  reserved_connections: 3,
  connections_used_pct: 25,
  total_sessions: 50,
  replay_lag_bytes: 200_000,
  write_lag_bytes: 50_000,
  flush_lag_bytes: 100_000,
  sent_lag_bytes: 10_000,
  // tables and indexes: the largest object's numbers (weights fall as 1/rank)
  n_live_tup: 50_000_000,
  n_dead_tup: 2_000_000,
  heap_bytes: 20e9,
  toast_bytes: 1e9,
  index_bytes: 6e9,
  size_bytes: 6e9,
  real_bytes: 20e9,
  bloat_bytes: 3e9,
  seq_scan: 0.05,
  idx_scan: 200,
  n_tup_ins: 50,
  n_tup_upd: 40,
  partitions: 1,
  'activity_summary.sessions': 8,
  // statements: the busiest statement's deltas in one 60-second run
  'statements.calls': 3000,
  'statements.plans': 3000,
  'statements.rows': 3000,
  'statements.shared_blks_hit': 30_000,
  'statements.shared_blks_read': 300,
  'statements.shared_blks_dirtied': 40,
  'statements.shared_blks_written': 5,
  'statements.temp_blks_read': 2,
  'statements.temp_blks_written': 2,
  'statements.wal_bytes': 200_000,
  'statements.total_exec_time': 9000,
  'statements.total_plan_time': 300,
  'statements.blk_read_time': 200,
  'statements.blk_write_time': 10,
  interval_seconds: 60,
  window_exec_time: 30_000,
  // statements_detail: the busiest statement since the last reset
  'statements_detail.calls': 2e8,
  'statements_detail.plans': 2e8,
  min_exec_time: 0.02,
  max_exec_time: 800,
  mean_exec_time: 3,
  stddev_exec_time: 6,
  min_plan_time: 0.01,
  max_plan_time: 20,
  mean_plan_time: 0.1,
  stddev_plan_time: 0.2,
  'statements_detail.wal_records': 4e6,
  'statements_detail.wal_fpi': 2e5,
};
const CONSTANT = new Set([
  'max_connections',
  'reserved_connections',
  'partitions',
  'interval_seconds',
  'window_exec_time',
]);
/** text values; null: SQL NULL (a value the collector fills in later, or none) */
const TEXT: Record<string, string | null> = {
  state: 'streaming',
  sync_state: 'async',
  plan_fingerprint: null,
};

const WAVE = 'sin(2 * pi() * x / 86400 + k.i)';
// Elapsed seconds since the last reset, weighted by the daily wave (1 + 0.5 sin): monotonic.
const CUMULATIVE = `(r + 6875.49 * (cos(2 * pi() * (x - r) / 86400) - cos(2 * pi() * x / 86400)))`;

function valueSql(probe: ProbeDefinition, name: string, keyNames: Set<string>): string {
  const c = probe.columns.find((col) => col.name === name)!;
  if (c.key || keyNames.has(name)) return `k.${ident(name)}`;
  const base = BASE[`${probe.name}.${name}`] ?? BASE[name] ?? (c.counter ? 1 : 10);
  const scale = `${base} * k.w * (0.5 + (s.n % 7) / 4.0)`;
  let v: string;
  if (c.counter) v = `${scale} * ${CUMULATIVE}`;
  else if (CONSTANT.has(name)) v = `${base}`;
  else if (c.type === 'int' || c.type === 'bigint' || c.type === 'double')
    v = `${scale} * (1 + 0.4 * ${WAVE}) * (0.9 + 0.2 * random())`;
  else if (c.type === 'text') {
    const text = name in TEXT ? TEXT[name] : 'bench';
    return text === null ? 'NULL' : `'${text}'`;
  } else if (c.type === 'boolean') return 'false';
  else if (c.type === 'timestamptz') return `g.t - interval '1 hour' * k.i`;
  else return 'NULL';
  if (name.endsWith('_pct')) v = `least(100, ${v})`;
  return c.type === 'double' ? v : `round(${v})::${c.type === 'int' ? 'int' : 'bigint'}`;
}

/** INSERT ... SELECT of `probe`'s samples in [from, to) for `servers`; returns the row count as `n`. */
export function seedSql(
  probe: ProbeDefinition,
  keys: KeyRow[],
  servers: number[],
  from: Date,
  to: Date,
  database?: string,
): { text: string; values: unknown[] } {
  const iv = probe.intervalSeconds;
  const keyNames = new Set(Object.keys(keys[0]!).filter((k) => k !== 'i' && k !== 'w'));
  const names = probe.columns.map((c) => c.name);
  const implicit = probe.scope === 'database' ? ['database_name'] : [];
  // a key column's own type (a queryid is a bigint, toplevel a boolean); others as text
  const typeOf = (k: string) => {
    const c = probe.columns.find((col) => col.name === k);
    return c ? SQL_TYPES[c.type] : 'text';
  };
  const record = [
    'i int',
    'w double precision',
    ...[...keyNames].map((k) => `${ident(k)} ${typeOf(k)}`),
  ];
  const text = `WITH ins AS (
    INSERT INTO metrics.${ident(probe.name)} (collected_at, server_id, ${[...implicit, ...names].map(ident).join(', ')})
    SELECT g.t + make_interval(secs => s.off), s.id, ${implicit.length ? '$5, ' : ''}
           ${names.map((n) => valueSql(probe, n, keyNames)).join(',\n           ')}
      FROM generate_series(ceil($1::bigint / ${iv}.0)::bigint * ${iv}, $2::bigint - 1, ${iv}) e
     CROSS JOIN LATERAL (SELECT to_timestamp(e) AS t) g
     CROSS JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n, (id * 7919) % ${iv} AS off
                   FROM unnest($3::bigint[]) id) s
     CROSS JOIN LATERAL (SELECT (e + s.off)::bigint AS x) xs
     CROSS JOIN LATERAL (SELECT x - mod(x + s.n * 25200, 864000) AS r0) rs
     CROSS JOIN LATERAL (SELECT x - r0 AS r) rr
     CROSS JOIN jsonb_to_recordset($4::jsonb) AS k(${record.join(', ')})
    RETURNING 1)
  SELECT count(*)::int AS n FROM ins`;
  const values: unknown[] = [
    Math.floor(from.getTime() / 1000),
    Math.floor(to.getTime() / 1000),
    servers,
    JSON.stringify(keys),
  ];
  if (implicit.length) values.push(database ?? 'app');
  return { text, values };
}
