import { z } from 'zod';
import type { Queryable } from '../client';
import { latestRows, num, str } from './latest-rows';
import { parseInput } from './parse';

export const databaseFindingsInput = z.object({
  serverId: z.coerce.number().int().positive(),
  database: z.string().min(1).max(200),
});

export type SequenceUsage = {
  schemaname: string;
  sequencename: string;
  dataType: string | null;
  lastValue: number | null;
  /** the worse of: used of the sequence's own maximum, used of the fed column type's maximum */
  usedPct: number | null;
  columnType: string | null;
};

export type TableWithoutPk = {
  schemaname: string;
  relname: string;
  replicaIdentity: string | null;
  estimatedRows: number | null;
};

/** Sequences closest to running out (top 10) and tables without a primary key, from the newest samples. */
export async function listDatabaseFindings({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: z.input<typeof databaseFindingsInput>;
  at: Date;
}): Promise<{ sequences: SequenceUsage[]; withoutPk: TableWithoutPk[] }> {
  const i = parseInput(databaseFindingsInput, input);
  const [seqs, noPk] = await Promise.all(
    ['sequences', 'tables_without_pk'].map((p) => latestRows(db, p, i.serverId, i.database, at)),
  );
  const sequences = seqs!
    .map((r): SequenceUsage => {
      const pcts = [num(r.values.used_pct), num(r.values.column_used_pct)].filter(
        (p): p is number => p !== null,
      );
      return {
        schemaname: String(r.key.schemaname),
        sequencename: String(r.key.sequencename),
        dataType: str(r.values.data_type),
        lastValue: num(r.values.last_value),
        usedPct: pcts.length ? Math.max(...pcts) : null,
        columnType: str(r.values.column_type),
      };
    })
    .sort((a, b) => (b.usedPct ?? -1) - (a.usedPct ?? -1))
    .slice(0, 10);
  const withoutPk = noPk!
    .map((r): TableWithoutPk => ({
      schemaname: String(r.key.schemaname),
      relname: String(r.key.relname),
      replicaIdentity: str(r.values.replica_identity),
      estimatedRows: num(r.values.estimated_rows),
    }))
    .sort((a, b) => (b.estimatedRows ?? -1) - (a.estimatedRows ?? -1));
  return { sequences, withoutPk };
}
