import type { PoolClient } from 'pg';
import { CHECKED_COLUMNS } from './domain';

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * Makes each CHECK of CHECKED_COLUMNS list exactly its closed set of @pgvigil/schema,
 * so a new member (a channel type, a severity) needs no migration of its own.
 * Called under the migration lock; rewrites a constraint only when its set differs.
 * A member still in use cannot be dropped: the ALTER fails and says which constraint.
 */
export async function syncClosedSetChecks(client: PoolClient): Promise<void> {
  for (const [qualified, values] of Object.entries(CHECKED_COLUMNS)) {
    const [table, column] = qualified.split('.') as [string, string];
    // Only what migrations created: a table this datastore does not have yet is left alone.
    const exists = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [
      table,
    ]);
    if (!exists.rows[0]?.ok) continue;
    const { rows } = await client.query<{ name: string; def: string }>(
      `SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.conrelid = to_regclass($1) AND c.contype = 'c'
          AND cardinality(c.conkey) = 1 AND a.attname = $2`,
      [table, column],
    );
    const wanted = [...values].sort();
    const listed = rows
      .flatMap((r) => [...r.def.matchAll(/'((?:[^']|'')*)'::text/g)])
      .map((m) => (m[1] ?? '').replaceAll("''", "'"))
      .sort();
    if (rows.length === 1 && listed.join('\n') === wanted.join('\n')) continue;
    const drops = rows.map((r) => `DROP CONSTRAINT ${ident(r.name)}, `).join('');
    await client.query(
      `ALTER TABLE ${ident(table)} ${drops}ADD CONSTRAINT ${ident(`${table}_${column}_check`)}
         CHECK (${ident(column)} IN (${wanted.map(quote).join(', ')}))`,
    );
  }
}
