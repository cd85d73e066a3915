import type { Db, Queryable } from '../client';
import { ident } from '../client';
import { deleteScopedSettings } from './scoped-settings';
import { getServer, type Server } from './servers';

/**
 * Deletes the server's rows from every table in schema `metrics` with a server_id
 * column. Partitioned parents only: the DELETE reaches their partitions.
 */
export async function deleteServerMetrics(q: Queryable, serverId: number): Promise<number> {
  const tables = await q.query<{ table: string }>(
    `SELECT c.relname AS table
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'server_id' AND NOT a.attisdropped
      WHERE n.nspname = 'metrics' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
  );
  let deleted = 0;
  for (const { table } of tables) {
    const rows = await q.query<{ n: number }>(
      `WITH d AS (DELETE FROM metrics.${ident(table)} WHERE server_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [serverId],
    );
    deleted += rows[0]?.n ?? 0;
  }
  return deleted;
}

/** Removes a server, its alerts (by cascade), its scoped settings and its metrics, in one transaction. */
export async function deleteServer(
  db: Db,
  id: number,
): Promise<{ server: Server; metricRows: number }> {
  return db.tx(async (q) => {
    const server = await getServer(q, id);
    await deleteScopedSettings(q, 'server', id);
    const metricRows = await deleteServerMetrics(q, id);
    await q.query('DELETE FROM servers WHERE id = $1', [id]);
    return { server, metricRows };
  });
}
