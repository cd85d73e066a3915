import type { Db, Queryable } from './client';
import { ident } from './client';
import { sqlState } from './errors';

const DAY_MS = 86_400_000;
const SUFFIX = /_p(\d{4})(\d{2})(\d{2})$/;

export interface DailyPartition {
  name: string;
  /** inclusive UTC midnight */
  from: Date;
  /** exclusive: the next UTC midnight */
  to: Date;
}

export function utcMidnight(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

/** The partition of `table` holding `at`: `<table>_pYYYYMMDD`, bounds in UTC. */
export function dailyPartition(table: string, at: Date): DailyPartition {
  const from = utcMidnight(at);
  const stamp = from.toISOString().slice(0, 10).replaceAll('-', '');
  return { name: `${table}_p${stamp}`, from, to: new Date(from.getTime() + DAY_MS) };
}

/** Partitions to have in place at `at`: yesterday (late samples from a buffer), today and `aheadDays` more. */
export function partitionsToEnsure(table: string, at: Date, aheadDays: number): DailyPartition[] {
  const days: DailyPartition[] = [];
  for (let offset = -1; offset <= aheadDays; offset++) {
    days.push(dailyPartition(table, new Date(at.getTime() + offset * DAY_MS)));
  }
  return days;
}

export function parsePartitionName(table: string, name: string): DailyPartition | null {
  if (!name.startsWith(`${table}_p`)) return null;
  const match = SUFFIX.exec(name);
  if (!match) return null;
  const from = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(from.getTime())) return null;
  return { name, from, to: new Date(from.getTime() + DAY_MS) };
}

export interface RetentionInput {
  partitions: (DailyPartition & { hasRows?: boolean })[];
  retentionDays: number;
  at: Date;
  changeTracked: boolean;
}

/**
 * Which partitions retention drops: those wholly older than the retention window.
 * For a change-tracked table the newest partition with rows is kept whatever its
 * age, because it holds the current snapshot.
 */
export function expiredPartitions({
  partitions,
  retentionDays,
  at,
  changeTracked,
}: RetentionInput): string[] {
  const cutoff = utcMidnight(at).getTime() - retentionDays * DAY_MS;
  const sorted = [...partitions].sort((a, b) => a.from.getTime() - b.from.getTime());
  const keep = changeTracked ? sorted.filter((p) => p.hasRows).at(-1)?.name : undefined;
  return sorted.filter((p) => p.to.getTime() <= cutoff && p.name !== keep).map((p) => p.name);
}

/** Creates the partitions for `at` if missing. Safe when several processes race. */
export async function ensurePartitions(
  db: Queryable,
  table: string,
  at: Date,
  aheadDays = 3,
): Promise<string[]> {
  const created: string[] = [];
  for (const p of partitionsToEnsure(table, at, aheadDays)) {
    const exists = await db.query<{ found: boolean }>(
      'SELECT to_regclass($1) IS NOT NULL AS found',
      [`metrics.${ident(p.name)}`],
    );
    if (exists[0]?.found) continue;
    try {
      await db.query(
        `CREATE TABLE metrics.${ident(p.name)} PARTITION OF metrics.${ident(table)}
         FOR VALUES FROM ('${p.from.toISOString()}') TO ('${p.to.toISOString()}')`,
      );
      created.push(p.name);
    } catch (err) {
      // Another process created it between our check and our CREATE: that is success.
      if (sqlState(err) !== '42P07' && sqlState(err) !== '23505') throw err;
    }
  }
  return created;
}

export async function listPartitions(db: Queryable, table: string): Promise<DailyPartition[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
      WHERE n.nspname = 'metrics' AND p.relname = $1`,
    [table],
  );
  return rows.flatMap((r) => parsePartitionName(table, r.name) ?? []);
}

export interface MetricTable {
  table_name: string;
  retention_days: number;
  change_tracked: boolean;
}

/** Drops whole expired partitions (never DELETE); returns what was dropped. */
export async function applyRetention(
  db: Queryable,
  table: MetricTable,
  at: Date,
): Promise<string[]> {
  const partitions = await listPartitions(db, table.table_name);
  const withRows = table.change_tracked
    ? await Promise.all(
        partitions.map(async (p) => {
          const rows = await db.query<{ has: boolean }>(
            `SELECT EXISTS (SELECT 1 FROM metrics.${ident(p.name)}) AS has`,
          );
          return { ...p, hasRows: rows[0]?.has ?? false };
        }),
      )
    : partitions;
  const expired = expiredPartitions({
    partitions: withRows,
    retentionDays: table.retention_days,
    at,
    changeTracked: table.change_tracked,
  });
  for (const name of expired) {
    await db.query(`DROP TABLE IF EXISTS metrics.${ident(name)}`);
  }
  return expired;
}

export async function registerMetricTable(db: Queryable, table: MetricTable): Promise<void> {
  await db.query(
    `INSERT INTO metric_tables (table_name, retention_days, change_tracked) VALUES ($1, $2, $3)
     ON CONFLICT (table_name) DO UPDATE SET retention_days = EXCLUDED.retention_days,
       change_tracked = EXCLUDED.change_tracked`,
    [table.table_name, table.retention_days, table.change_tracked],
  );
}

export async function listMetricTables(db: Queryable): Promise<MetricTable[]> {
  return db.query<MetricTable & Record<string, unknown>>(
    'SELECT table_name, retention_days, change_tracked FROM metric_tables ORDER BY table_name',
  );
}

/**
 * The end of the unbroken run of daily partitions from the one holding `at`: samples
 * stamped before it have a partition. Null when none holds `at` (they are refused now).
 */
export function coveredUntil(partitions: readonly DailyPartition[], at: Date): Date | null {
  const byStart = new Map(partitions.map((p) => [p.from.getTime(), p]));
  let current = byStart.get(utcMidnight(at).getTime());
  if (!current) return null;
  for (let next = byStart.get(current.to.getTime()); next; next = byStart.get(next.to.getTime())) {
    current = next;
  }
  return current.to;
}

export interface PartitionCoverage {
  table: string;
  /** how long samples stamped from `at` on still have a partition (0: none now) */
  secondsAhead: number;
}

/** For every registered metrics table, how far ahead of `at` its partitions reach. */
export async function partitionCoverage(db: Queryable, at: Date): Promise<PartitionCoverage[]> {
  const rows = await db.query<{ parent: string; name: string }>(
    `SELECT m.table_name AS parent, c.relname AS name
       FROM metric_tables m
       JOIN pg_namespace n ON n.nspname = 'metrics'
       JOIN pg_class p ON p.relnamespace = n.oid AND p.relname = m.table_name
       LEFT JOIN pg_inherits i ON i.inhparent = p.oid
       LEFT JOIN pg_class c ON c.oid = i.inhrelid
      ORDER BY 1`,
  );
  const byTable = new Map<string, DailyPartition[]>();
  for (const r of rows) {
    const list = byTable.get(r.parent) ?? [];
    const partition = r.name ? parsePartitionName(r.parent, r.name) : null;
    if (partition) list.push(partition);
    byTable.set(r.parent, list);
  }
  return [...byTable].map(([table, partitions]) => {
    const until = coveredUntil(partitions, at);
    return {
      table,
      secondsAhead: until ? Math.max(0, Math.round((until.getTime() - at.getTime()) / 1000)) : 0,
    };
  });
}

export interface MaintenanceReport {
  created: string[];
  dropped: string[];
  errors: { table: string; message: string }[];
}

/** One pass of partition upkeep over every registered metrics table. */
export async function runPartitionMaintenance(
  db: Db,
  at: Date,
  aheadDays = 3,
): Promise<MaintenanceReport> {
  const report: MaintenanceReport = { created: [], dropped: [], errors: [] };
  for (const table of await listMetricTables(db)) {
    try {
      report.created.push(...(await ensurePartitions(db, table.table_name, at, aheadDays)));
      report.dropped.push(...(await applyRetention(db, table, at)));
    } catch (err) {
      report.errors.push({ table: table.table_name, message: (err as Error).message });
    }
  }
  return report;
}
