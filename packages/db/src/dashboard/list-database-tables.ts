import { TABLE_SORTS } from '@pgvigil/schema';
import { z } from 'zod';
import type { Queryable } from '../client';
import { latestRows, date, num, objectKey } from './latest-rows';
import { parseInput } from './parse';

export { TABLE_SORTS } from '@pgvigil/schema';
export type TableSort = (typeof TABLE_SORTS)[number];

export const databaseTablesInput = z.object({
  serverId: z.coerce.number().int().positive(),
  database: z.string().min(1).max(200),
  // an unknown sort in a URL falls back to size rather than failing the page
  sort: z.enum(TABLE_SORTS).catch('size').default('size'),
});

export type DatabaseTable = {
  schemaname: string;
  relname: string;
  /** partitions summed into this row (1 for a plain table) */
  partitions: number | null;
  totalBytes: number | null;
  liveTuples: number | null;
  deadTuples: number | null;
  deadPct: number | null;
  seqScansPerSecond: number | null;
  idxScansPerSecond: number | null;
  /** estimated wasted bytes from the hourly bloat probe (tables over 1 MB only) */
  bloatBytes: number | null;
  bloatPct: number | null;
  lastAutovacuum: Date | null;
  /** the later of the manual and automatic vacuum */
  lastVacuum: Date | null;
  lastAnalyze: Date | null;
  freezeAge: number | null;
  hasPrimaryKey: boolean;
};

const later = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));
const desc = (v: number | null) => -(v ?? -1);

// What each sort means to a DBA: biggest, busiest, dirtiest, most wasted, longest unvacuumed.
const ORDER: Record<TableSort, (t: DatabaseTable) => number> = {
  size: (t) => desc(t.totalBytes),
  scans: (t) => desc((t.seqScansPerSecond ?? 0) + (t.idxScansPerSecond ?? 0)),
  dead: (t) => desc(t.deadTuples),
  bloat: (t) => desc(t.bloatBytes),
  vacuum: (t) => t.lastVacuum?.getTime() ?? -Infinity,
};

/** The tables of a database from the newest `tables` sample, with bloat and primary-key facts. */
export async function listDatabaseTables({
  db,
  input,
  at,
}: {
  db: Queryable;
  // `sort` is checked by the schema, so callers may pass any string from a URL
  input: Omit<z.input<typeof databaseTablesInput>, 'sort'> & { sort?: string };
  at: Date;
}): Promise<DatabaseTable[]> {
  const i = parseInput(databaseTablesInput, input);
  const [rows, bloat, noPk] = await Promise.all(
    ['tables', 'table_bloat', 'tables_without_pk'].map((p) =>
      latestRows(db, p, i.serverId, i.database, at),
    ),
  );
  const keyOf = (k: Record<string, unknown>) => objectKey(String(k.schemaname), String(k.relname));
  const bloatBy = new Map(bloat!.map((r) => [keyOf(r.key), r.values]));
  const withoutPk = new Set(noPk!.map((r) => keyOf(r.key)));
  const tables = rows!.map((r): DatabaseTable => {
    const v = r.values;
    const sizes = ['heap_bytes', 'toast_bytes', 'index_bytes'].map((c) => num(v[c]));
    const b = bloatBy.get(keyOf(r.key));
    return {
      schemaname: String(r.key.schemaname),
      relname: String(r.key.relname),
      partitions: num(v.partitions),
      totalBytes: sizes.every((s) => s === null)
        ? null
        : sizes.reduce<number>((a, s) => a + (s ?? 0), 0),
      liveTuples: num(v.n_live_tup),
      deadTuples: num(v.n_dead_tup),
      deadPct: num(v.dead_pct),
      seqScansPerSecond: r.rates.seq_scan ?? null,
      idxScansPerSecond: r.rates.idx_scan ?? null,
      bloatBytes: num(b?.bloat_bytes),
      bloatPct: num(b?.bloat_pct),
      lastAutovacuum: date(v.last_autovacuum),
      lastVacuum: later(date(v.last_vacuum), date(v.last_autovacuum)),
      lastAnalyze: later(date(v.last_analyze), date(v.last_autoanalyze)),
      freezeAge: num(v.freeze_age),
      // only known when the probe ran; without its sample, assume the common case
      hasPrimaryKey: !withoutPk.has(keyOf(r.key)),
    };
  });
  const order = ORDER[i.sort];
  return tables.sort((a, b) => order(a) - order(b) || keyOf(a).localeCompare(keyOf(b)));
}
