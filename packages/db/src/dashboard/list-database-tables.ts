import { z } from 'zod';
import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { readLatest } from '../metrics';
import { parseInput } from './parse';

export const databaseTablesInput = z.object({
  serverId: z.coerce.number().int().positive(),
  database: z.string().min(1).max(200),
});

export type DatabaseTable = {
  schemaname: string;
  relname: string;
  totalBytes: number | null;
  liveTuples: number | null;
  deadTuples: number | null;
  deadPct: number | null;
  seqScansPerSecond: number | null;
  idxScansPerSecond: number | null;
  lastAutovacuum: Date | null;
  freezeAge: number | null;
};

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** The tables of a database from the newest `tables` sample, largest first. */
export async function listDatabaseTables({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: z.input<typeof databaseTablesInput>;
  at: Date;
}): Promise<DatabaseTable[]> {
  const i = parseInput(databaseTablesInput, input);
  try {
    const rows = await readLatest(db, {
      probe: 'tables',
      serverIds: [i.serverId],
      database: i.database,
      at,
    });
    return rows
      .map((r) => {
        const sizes = ['heap_bytes', 'toast_bytes', 'index_bytes'].map((c) => num(r.values[c]));
        const last = r.values.last_autovacuum;
        return {
          schemaname: String(r.key.schemaname),
          relname: String(r.key.relname),
          totalBytes: sizes.every((s) => s === null)
            ? null
            : sizes.reduce<number>((a, b) => a + (b ?? 0), 0),
          liveTuples: num(r.values.n_live_tup),
          deadTuples: num(r.values.n_dead_tup),
          deadPct: num(r.values.dead_pct),
          seqScansPerSecond: r.rates.seq_scan ?? null,
          idxScansPerSecond: r.rates.idx_scan ?? null,
          lastAutovacuum: last instanceof Date ? last : null,
          freezeAge: num(r.values.freeze_age),
        };
      })
      .sort((a, b) => (b.totalBytes ?? -1) - (a.totalBytes ?? -1));
  } catch (err) {
    // Not collected yet: an empty list the page explains.
    if (err instanceof NotFoundError) return [];
    throw err;
  }
}
