import type { Queryable } from '../client';

export const SERVER_STATES = ['up', 'down'] as const;
export type ServerState = (typeof SERVER_STATES)[number];

export interface ServerStatusInput {
  serverId: number;
  state: ServerState;
  errorCode?: string | null;
  errorMessage?: string | null;
  serverVersionNum?: number | null;
  /** how the server was reached when not directly: `ssh user@bastion:22` */
  via?: string | null;
  collectorId: string;
  at: Date;
}

/** Records reachability; `since` moves only when the state changes. */
export async function recordServerStatus(q: Queryable, s: ServerStatusInput): Promise<void> {
  await q.query(
    `INSERT INTO server_status (server_id, state, error_code, error_message, server_version_num, since, checked_at, collector_id, via)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)
     ON CONFLICT (server_id) DO UPDATE SET
       since = CASE WHEN server_status.state = EXCLUDED.state THEN server_status.since ELSE EXCLUDED.since END,
       state = EXCLUDED.state, error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
       server_version_num = coalesce(EXCLUDED.server_version_num, server_status.server_version_num),
       checked_at = EXCLUDED.checked_at, collector_id = EXCLUDED.collector_id,
       via = CASE WHEN EXCLUDED.state = 'up' THEN EXCLUDED.via ELSE server_status.via END`,
    [
      s.serverId,
      s.state,
      s.errorCode ?? null,
      s.errorMessage ?? null,
      s.serverVersionNum ?? null,
      s.at,
      s.collectorId,
      s.via ?? null,
    ],
  );
}

export interface ServerStatus {
  serverId: number;
  state: ServerState;
  errorCode: string | null;
  errorMessage: string | null;
  serverVersionNum: number | null;
  since: Date;
  checkedAt: Date;
  collectorId: string;
  via: string | null;
}

/** Reachability of every server the collectors have checked. */
export async function listServerStatus(q: Queryable): Promise<ServerStatus[]> {
  return q.query<ServerStatus & Record<string, unknown>>(
    `SELECT server_id AS "serverId", state, error_code AS "errorCode", error_message AS "errorMessage",
            server_version_num AS "serverVersionNum", since, checked_at AS "checkedAt",
            collector_id AS "collectorId", via
       FROM server_status ORDER BY server_id`,
  );
}

/** Of `queryIds` (decimal text: they are 64-bit), those whose text is not stored yet for this server. */
export async function missingQueryIds(
  q: Queryable,
  serverId: number,
  queryIds: readonly string[],
): Promise<string[]> {
  if (queryIds.length === 0) return [];
  const rows = await q.query<{ id: string }>(
    `SELECT id::text AS id FROM unnest($2::bigint[]) AS ids(id)
      WHERE NOT EXISTS (SELECT 1 FROM query_texts t WHERE t.server_id = $1 AND t.queryid = ids.id)`,
    [serverId, queryIds],
  );
  return rows.map((r) => r.id);
}

export async function saveQueryTexts(
  q: Queryable,
  serverId: number,
  texts: readonly { queryid: string; query: string }[],
  at: Date,
): Promise<void> {
  if (texts.length === 0) return;
  await q.query(
    `INSERT INTO query_texts (server_id, queryid, query, first_seen)
     SELECT $1, t.queryid, t.query, $4 FROM unnest($2::bigint[], $3::text[]) AS t(queryid, query)
     ON CONFLICT (server_id, queryid) DO NOTHING`,
    [serverId, texts.map((t) => t.queryid), texts.map((t) => t.query), at],
  );
}

/** Query texts by queryid, for the top-queries view. */
export async function getQueryTexts(
  q: Queryable,
  serverId: number,
  queryIds: readonly string[],
): Promise<Map<string, string>> {
  const rows = await q.query<{ queryid: string; query: string }>(
    'SELECT queryid::text AS queryid, query FROM query_texts WHERE server_id = $1 AND queryid = ANY($2::bigint[])',
    [serverId, queryIds],
  );
  return new Map(rows.map((r) => [r.queryid, r.query]));
}

export interface ProbeSettingRow {
  probe: string;
  scopeType: 'global' | 'cluster' | 'server';
  scopeId: number | null;
  enabled: boolean | null;
  intervalSeconds: number | null;
  retentionDays: number | null;
}

/** Every probe setting override; the collector resolves them per server. */
export async function listProbeSettingRows(q: Queryable): Promise<ProbeSettingRow[]> {
  return q.query<ProbeSettingRow & Record<string, unknown>>(
    `SELECT probe, scope_type AS "scopeType", scope_id AS "scopeId", enabled,
            interval_seconds AS "intervalSeconds", retention_days AS "retentionDays"
       FROM probe_settings`,
  );
}
