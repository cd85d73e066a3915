import { z } from 'zod';
import type { Queryable } from '../client';
import { ident } from '../client';

const input = z.object({
  probe: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
  columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/)).min(1),
  serverIds: z.array(z.number().int().positive()).min(1),
  from: z.date(),
  to: z.date(),
});
export type ReadRuleRowsInput = z.input<typeof input>;

export interface RuleSourceRow {
  server_id: number;
  collected_at: Date;
  database_name: string | null;
  values: Record<string, unknown>;
}

/**
 * Raw rows of one probe table for a window, oldest first, with only the columns
 * rules read (plus database_name when the table has it). A probe whose table does
 * not exist yet yields nothing, and a column it lacks is absent from `values`: the
 * rules reading it see no data, the others are unaffected.
 */
export async function readRuleRows(
  db: Queryable,
  raw: ReadRuleRowsInput,
): Promise<RuleSourceRow[]> {
  const q = input.parse(raw);
  const present = await db.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute
      WHERE attrelid = to_regclass('metrics.' || quote_ident($1)) AND attnum > 0 AND NOT attisdropped`,
    [q.probe],
  );
  const have = new Set(present.map((p) => p.attname));
  const columns = q.columns.filter((c) => have.has(c));
  if (!have.has('server_id') || columns.length === 0) return [];
  const dbCol = have.has('database_name') ? 'database_name' : 'NULL::text';
  const rows = await db.query<{
    server_id: number;
    collected_at: Date;
    database_name: string | null;
    v: Record<string, unknown>;
  }>(
    `SELECT server_id, collected_at, ${dbCol} AS database_name,
            jsonb_build_object(${columns.map((c, i) => `$${i + 4}::text, ${ident(c)}`).join(', ')}) AS v
       FROM metrics.${ident(q.probe)}
      WHERE server_id = ANY($1) AND collected_at > $2 AND collected_at <= $3
      ORDER BY collected_at`,
    [q.serverIds, q.from, q.to, ...columns],
  );
  return rows.map((r) => ({
    server_id: r.server_id,
    collected_at: r.collected_at,
    database_name: r.database_name,
    values: r.v,
  }));
}
