import type { Queryable } from '../client';

/** Where reading a server's log goes on: a file of its log directory and a byte offset in it. */
export interface StoredLogCursor {
  file: string;
  offset: number;
}

export async function readLogCursor(
  q: Queryable,
  serverId: number,
): Promise<StoredLogCursor | null> {
  const [row] = await q.query<{ file: string; byte_offset: string }>(
    `SELECT file, byte_offset FROM log_cursors WHERE server_id = $1`,
    [serverId],
  );
  return row ? { file: row.file, offset: Number(row.byte_offset) } : null;
}

export async function saveLogCursor(
  q: Queryable,
  serverId: number,
  cursor: StoredLogCursor,
  at: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO log_cursors (server_id, file, byte_offset, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (server_id) DO UPDATE
        SET file = excluded.file, byte_offset = excluded.byte_offset, updated_at = excluded.updated_at`,
    [serverId, cursor.file, cursor.offset, at],
  );
}
