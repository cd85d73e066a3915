import { INDEX_ISSUES } from '@pgvigil/schema';
import { z } from 'zod';
import type { Queryable } from '../client';
import { latestRows, date, num, objectKey, str } from './latest-rows';
import { parseInput } from './parse';

export { INDEX_ISSUES } from '@pgvigil/schema';
export type IndexIssue = (typeof INDEX_ISSUES)[number];

export const databaseIndexesInput = z.object({
  serverId: z.coerce.number().int().positive(),
  database: z.string().min(1).max(200),
  /** only the indexes of this table */
  schema: z.string().min(1).max(200).optional(),
  table: z.string().min(1).max(200).optional(),
});

export type DatabaseIndex = {
  schemaname: string;
  indexrelname: string;
  relname: string | null;
  sizeBytes: number | null;
  scansPerSecond: number | null;
  /** scans since statistics were reset (a counter) */
  scans: number | null;
  lastScan: Date | null;
  isValid: boolean | null;
  isUnique: boolean | null;
  isPrimary: boolean | null;
  bloatBytes: number | null;
  bloatPct: number | null;
  /** from the hourly index_health probe, with its detail (e.g. which index it duplicates) */
  issues: { issue: IndexIssue; detail: string | null }[];
};

const bool = (v: unknown) => (typeof v === 'boolean' ? v : null);

/** Indexes of a database (or of one table) from the newest samples, largest first, with their flags. */
export async function listDatabaseIndexes({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: z.input<typeof databaseIndexesInput>;
  at: Date;
}): Promise<DatabaseIndex[]> {
  const i = parseInput(databaseIndexesInput, input);
  const [rows, health, bloat] = await Promise.all(
    ['indexes', 'index_health', 'index_bloat'].map((p) =>
      latestRows(db, p, i.serverId, i.database, at),
    ),
  );
  const keyOf = (k: Record<string, unknown>) =>
    objectKey(String(k.schemaname), String(k.indexrelname));
  const issues = new Map<string, DatabaseIndex['issues']>();
  for (const r of health!) {
    const list = issues.get(keyOf(r.key)) ?? [];
    list.push({ issue: String(r.key.issue) as IndexIssue, detail: str(r.values.detail) });
    issues.set(keyOf(r.key), list);
  }
  const bloatBy = new Map(bloat!.map((r) => [keyOf(r.key), r.values]));
  return rows!
    .filter((r) => r.key.indexrelname !== '(others)')
    .filter(
      (r) =>
        (!i.schema || r.key.schemaname === i.schema) && (!i.table || r.values.relname === i.table),
    )
    .map((r): DatabaseIndex => {
      const v = r.values;
      const b = bloatBy.get(keyOf(r.key));
      return {
        schemaname: String(r.key.schemaname),
        indexrelname: String(r.key.indexrelname),
        relname: str(v.relname),
        sizeBytes: num(v.size_bytes),
        scansPerSecond: r.rates.idx_scan ?? null,
        scans: num(v.idx_scan),
        lastScan: date(v.last_idx_scan),
        isValid: bool(v.is_valid),
        isUnique: bool(v.is_unique),
        isPrimary: bool(v.is_primary),
        bloatBytes: num(b?.bloat_bytes),
        bloatPct: num(b?.bloat_pct),
        issues: issues.get(keyOf(r.key)) ?? [],
      };
    })
    .sort((a, b) => (b.sizeBytes ?? -1) - (a.sizeBytes ?? -1));
}
