import type { Queryable } from '@pgvigil/db';
import { readSeries } from '@pgvigil/db/metrics';
import { NotFoundError } from '@pgvigil/db';
import type { ChartId, RuleUnit } from '@pgvigil/schema';
import { currentValue, robustShift } from './shift';
import type { MetricShift, WaitShift } from './types';

/** A server metric the investigation ranks: a probe column, summed over its keys (or some). */
interface MetricDef {
  metric: string;
  label: string;
  unit: RuleUnit;
  chart: ChartId;
  probe: string;
  column: string;
  /** only rows whose key columns hold these values */
  where?: Record<string, string>;
  /** the least spread that counts, in the metric's unit */
  floor: number;
}

const stat = (column: string, label: string, chart: ChartId, unit: RuleUnit, floor: number) =>
  ({
    metric: `database_stats.${column}`,
    label,
    unit,
    chart,
    probe: 'database_stats',
    column,
    floor,
  }) as const;
const sessions = (label: string, key: 'state' | 'wait_event_type', value: string): MetricDef => ({
  metric: `activity_summary.${key}=${value}`,
  label,
  unit: 'count',
  chart: key === 'state' ? 'sessions' : 'wait_events',
  probe: 'activity_summary',
  column: 'sessions',
  where: { [key]: value },
  floor: 1,
});

export const INVESTIGATED_METRICS: readonly MetricDef[] = [
  stat('xact_commit', 'Commits', 'tps', 'per_second', 1),
  stat('xact_rollback', 'Rollbacks', 'commits_rollbacks', 'per_second', 0.5),
  stat('deadlocks', 'Deadlocks', 'commits_rollbacks', 'per_second', 0.05),
  stat('blks_read', 'Blocks read from disk', 'cache_hit', 'per_second', 50),
  stat('blks_hit', 'Blocks hit in cache', 'cache_hit', 'per_second', 500),
  stat('tup_returned', 'Rows scanned', 'tuples', 'per_second', 1000),
  stat('tup_fetched', 'Rows fetched', 'tuples', 'per_second', 100),
  stat('tup_inserted', 'Rows inserted', 'tuples', 'per_second', 100),
  stat('tup_updated', 'Rows updated', 'tuples', 'per_second', 50),
  stat('tup_deleted', 'Rows deleted', 'tuples', 'per_second', 50),
  stat('temp_bytes', 'Temporary file bytes', 'temp', 'bytes_per_second', 65_536),
  stat('active_time', 'Active session time', 'tps', 'ms_per_second', 50),
  stat('idle_in_transaction_time', 'Idle-in-transaction time', 'sessions', 'ms_per_second', 50),
  {
    metric: 'activity_extremes.total_sessions',
    label: 'Client sessions',
    unit: 'count',
    chart: 'sessions',
    probe: 'activity_extremes',
    column: 'total_sessions',
    floor: 1,
  },
  {
    metric: 'activity_extremes.longest_query_seconds',
    label: 'Longest running query',
    unit: 'seconds',
    chart: 'sessions',
    probe: 'activity_extremes',
    column: 'longest_query_seconds',
    floor: 5,
  },
  {
    metric: 'activity_extremes.longest_xact_seconds',
    label: 'Longest transaction',
    unit: 'seconds',
    chart: 'sessions',
    probe: 'activity_extremes',
    column: 'longest_xact_seconds',
    floor: 5,
  },
  sessions('Sessions active', 'state', 'active'),
  sessions('Sessions idle', 'state', 'idle'),
  sessions('Sessions idle in transaction', 'state', 'idle in transaction'),
  sessions('Sessions waiting on a lock', 'wait_event_type', 'Lock'),
  sessions('Sessions waiting on I/O', 'wait_event_type', 'IO'),
  sessions('Sessions waiting on an LWLock', 'wait_event_type', 'LWLock'),
  {
    metric: 'checkpointer.num_requested',
    label: 'Requested checkpoints',
    unit: 'per_second',
    chart: 'checkpoints',
    probe: 'checkpointer',
    column: 'num_requested',
    floor: 0.002,
  },
  {
    metric: 'checkpointer.buffers_written',
    label: 'Buffers written by checkpoints',
    unit: 'per_second',
    chart: 'checkpoints',
    probe: 'checkpointer',
    column: 'buffers_written',
    floor: 10,
  },
  {
    metric: 'wal.wal_bytes',
    label: 'WAL written',
    unit: 'bytes_per_second',
    chart: 'wal',
    probe: 'wal',
    column: 'wal_bytes',
    floor: 65_536,
  },
  {
    metric: 'wal.wal_fpi',
    label: 'WAL full-page images',
    unit: 'per_second',
    chart: 'wal',
    probe: 'wal',
    column: 'wal_fpi',
    floor: 5,
  },
  {
    metric: 'io.reads',
    label: 'I/O reads (pg_stat_io)',
    unit: 'per_second',
    chart: 'io',
    probe: 'io',
    column: 'reads',
    floor: 50,
  },
  {
    metric: 'io.writes',
    label: 'I/O writes (pg_stat_io)',
    unit: 'per_second',
    chart: 'io',
    probe: 'io',
    column: 'writes',
    floor: 50,
  },
];

export interface ShiftWindows {
  serverId: number;
  /** baseline: [from, baselineTo); around the start: [afterFrom, to] */
  from: Date;
  baselineTo: Date;
  afterFrom: Date;
  to: Date;
  chartHref: (chart: ChartId) => string;
}

/** Per probe, the summed value of each metric at each sample time. */
async function readProbe(db: Queryable, w: ShiftWindows, probe: string, defs: MetricDef[]) {
  try {
    const s = await readSeries(db, {
      probe,
      serverId: w.serverId,
      columns: [...new Set(defs.map((d) => d.column))],
      from: w.from,
      to: w.to,
      resolution: 'raw',
    });
    const byTime = new Map<number, Map<string, number>>();
    for (const p of s.points) {
      const t = p.t.getTime();
      const sums = byTime.get(t) ?? new Map<string, number>();
      for (const d of defs) {
        if (d.where && Object.entries(d.where).some(([k, v]) => p.key[k] !== v)) continue;
        const v = p.values[d.column];
        if (v === null || v === undefined) continue;
        sums.set(d.metric, (sums.get(d.metric) ?? 0) + v);
      }
      byTime.set(t, sums);
    }
    return byTime;
  } catch (err) {
    // a probe never collected on this datastore (pg_stat_io before 16...) has no catalog entry
    if (err instanceof NotFoundError) return new Map<number, Map<string, number>>();
    throw err;
  }
}

/**
 * Every investigated metric with its shift score: the median since the start against
 * the median / MAD of the hour before. Metrics with too little baseline are left out;
 * the list is ordered by |score|, then name (deterministic).
 */
export async function readMetricShifts(
  db: Queryable,
  w: ShiftWindows,
): Promise<{ shifts: MetricShift[]; waits: WaitShift[] }> {
  const probes = [...new Set(INVESTIGATED_METRICS.map((d) => d.probe))];
  const read = [];
  for (const p of probes) {
    const defs = INVESTIGATED_METRICS.filter((d) => d.probe === p);
    read.push({ defs, byTime: await readProbe(db, w, p, defs) });
  }
  const shifts: MetricShift[] = [];
  const waits: WaitShift[] = [];
  for (const { defs, byTime } of read) {
    const times = [...byTime.keys()].sort((a, b) => a - b);
    for (const d of defs) {
      // a key absent from a sample is 0 there (no session in that state)
      const at = (t: number) => byTime.get(t)?.get(d.metric) ?? (d.where ? 0 : null);
      const values = (from: number, to: number) =>
        times
          .filter((t) => t >= from && t <= to)
          .map(at)
          .filter((v): v is number => v !== null);
      const before = values(w.from.getTime(), w.baselineTo.getTime() - 1);
      const current = currentValue(values(w.afterFrom.getTime(), w.to.getTime()));
      if (current === null) continue;
      const shift = robustShift(before, current, d.floor);
      if (!shift) continue;
      shifts.push({
        metric: d.metric,
        label: d.label,
        unit: d.unit,
        chart: d.chart,
        baselineMedian: shift.median,
        baselineMad: shift.mad,
        current,
        score: Math.round(shift.score * 100) / 100,
        href: w.chartHref(d.chart),
      });
      if (d.where?.wait_event_type)
        waits.push({
          waitEventType: d.where.wait_event_type,
          before: shift.median,
          after: current,
        });
    }
  }
  shifts.sort((a, b) => Math.abs(b.score) - Math.abs(a.score) || a.metric.localeCompare(b.metric));
  return { shifts, waits };
}
