import { createSecretBox, type Db } from '@pgvigil/db';
import { createChannel } from '@pgvigil/db/alerting';
import { randomBytes } from 'node:crypto';
import { CHANNEL_SECRET_CONTEXT, splitChannelConfig } from '../src/notify';
import type { ChannelType } from '@pgvigil/db';

export const box = createSecretBox(randomBytes(32));

export async function addChannel(
  db: Db,
  type: ChannelType,
  name: string,
  config: Record<string, unknown>,
  extra: {
    minSeverity?: 'info' | 'warning' | 'critical';
    filters?: { clusterIds?: number[] };
  } = {},
) {
  const split = splitChannelConfig(type, config);
  return createChannel(db, {
    name,
    type,
    config: split.config,
    secretEnc: Object.keys(split.secret).length
      ? box.seal(JSON.stringify(split.secret), CHANNEL_SECRET_CONTEXT)
      : null,
    ...extra,
  });
}

export async function addServer(db: Db, name: string, url: string): Promise<number> {
  const u = new URL(url);
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO servers (name, host, port, dbname, username) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [name, u.hostname, Number(u.port), u.pathname.slice(1), decodeURIComponent(u.username)],
  );
  return row!.id;
}

/**
 * Stands in for the collector's `activity` probe: the metric table, its catalog
 * entry, and one sample taken from the real monitored server.
 */
export async function createActivityTable(db: Db): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS metrics.activity (
      collected_at timestamptz NOT NULL, server_id bigint NOT NULL,
      total_connections integer, max_connections integer, reserved_connections integer)`);
  await db.query(
    `INSERT INTO metric_tables (table_name, retention_days) VALUES ('activity', 7) ON CONFLICT DO NOTHING`,
  );
  await db.query(
    `INSERT INTO metric_catalog (table_name, scope, interval_seconds, columns) VALUES ('activity', 'instance', 60, '[]')
     ON CONFLICT DO NOTHING`,
  );
}

export const ACTIVITY_SQL = `SELECT
  (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS total,
  current_setting('max_connections')::int AS max,
  (current_setting('superuser_reserved_connections')::int
   + coalesce(current_setting('reserved_connections', true)::int, 0)) AS reserved`;
