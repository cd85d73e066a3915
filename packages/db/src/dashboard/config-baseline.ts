import { z } from 'zod';
import type { Queryable } from '../client';
import { ConflictError, NotFoundError } from '../errors';
import { parseInput } from './parse';

const markInput = z.object({
  serverId: z.coerce.number().int().positive(),
  /** the admin who marks it (null: a token or the system) */
  userId: z.number().int().positive().nullable().default(null),
  at: z.date(),
});
const serverInput = z.object({ serverId: z.coerce.number().int().positive() });

/** One difference between the marked configuration and the newest snapshots. */
export type ConfigDifference = {
  serverId: number;
  kind: 'setting' | 'hba';
  /** the setting's name, or "pg_hba.conf" */
  name: string;
  /** a setting's marked value, or a pg_hba.conf line no longer there (null: added) */
  before: string | null;
  /** a setting's value now, or a pg_hba.conf line that was not there (null: removed) */
  after: string | null;
};

export type ConfigBaseline = {
  markedAt: Date;
  markedBy: string | null;
  settings: number;
  /** pg_hba.conf lines marked; null when pgvigil could not read the file then */
  hbaLines: number | null;
};

// A pg_hba.conf line as compared: its fields, without the line number (a comment added
// above it moves every number and changes nothing)
const HBA_LINE = `concat_ws(' ', h.type, h.database, h.user_name, h.address, h.netmask, h.auth_method, h.error)`;
const NEWEST = (table: string, server: string) =>
  `collected_at = (SELECT max(collected_at) FROM metrics.${table} WHERE server_id = ${server})`;

async function tables(db: Queryable): Promise<{ settings: boolean; hba: boolean }> {
  const [r] = await db.query<{ settings: boolean; hba: boolean }>(
    `SELECT to_regclass('metrics.settings') IS NOT NULL AS settings,
            to_regclass('metrics.hba_rules') IS NOT NULL AS hba`,
  );
  return r!;
}

/**
 * Marks a server's configuration as known-good: copies its newest settings snapshot and
 * pg_hba.conf lines. A conflict when no settings were collected yet (nothing to mark).
 */
export async function markConfigBaseline({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof markInput>;
}): Promise<ConfigBaseline> {
  const i = parseInput(markInput, input);
  const has = await tables(db);
  const exists = await db.query('SELECT 1 FROM servers WHERE id = $1', [i.serverId]);
  if (!exists.length) throw new NotFoundError(`Server ${i.serverId}`);
  const settings = has.settings
    ? await db.query<{ s: Record<string, string | null> | null }>(
        `SELECT jsonb_object_agg(name, setting) AS s FROM metrics.settings
          WHERE server_id = $1 AND ${NEWEST('settings', '$1')}`,
        [i.serverId],
      )
    : [];
  const snapshot = settings[0]?.s ?? null;
  if (!snapshot)
    throw new ConflictError(
      'No settings were collected from this server yet',
      'Wait for the collector to read pg_settings (every 10 minutes), then mark again.',
    );
  const hba = has.hba
    ? await db.query<{ lines: string[] | null }>(
        `SELECT jsonb_agg(${HBA_LINE} ORDER BY h.line_number) AS lines FROM metrics.hba_rules h
          WHERE h.server_id = $1 AND h.${NEWEST('hba_rules', '$1')}`,
        [i.serverId],
      )
    : [];
  const lines = hba[0]?.lines ?? null;
  await db.query(
    `INSERT INTO config_baselines (server_id, settings, hba, marked_at, marked_by)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (server_id) DO UPDATE
       SET settings = EXCLUDED.settings, hba = EXCLUDED.hba,
           marked_at = EXCLUDED.marked_at, marked_by = EXCLUDED.marked_by`,
    [i.serverId, snapshot, lines === null ? null : JSON.stringify(lines), i.at, i.userId],
  );
  return getConfigBaseline({ db, input: { serverId: i.serverId } }) as Promise<ConfigBaseline>;
}

/** The server's marked configuration, or null when none was marked. */
export async function getConfigBaseline({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof serverInput>;
}): Promise<ConfigBaseline | null> {
  const i = parseInput(serverInput, input);
  const [r] = await db.query<ConfigBaseline>(
    `SELECT b.marked_at AS "markedAt", u.username AS "markedBy",
            (SELECT count(*)::int FROM jsonb_object_keys(b.settings)) AS settings,
            jsonb_array_length(b.hba) AS "hbaLines"
       FROM config_baselines b LEFT JOIN users u ON u.id = b.marked_by
      WHERE b.server_id = $1`,
    [i.serverId],
  );
  return r ?? null;
}

/**
 * What differs between each given server's marked configuration and its newest
 * snapshots: settings whose value changed, appeared or went, and pg_hba.conf lines
 * added or removed (a reordering shows as one difference with neither). Servers
 * without a mark, or without a snapshot to compare, have none.
 */
export async function listConfigDrift(
  db: Queryable,
  serverIds: readonly number[],
): Promise<ConfigDifference[]> {
  if (!serverIds.length) return [];
  const has = await tables(db);
  if (!has.settings) return [];
  const settings = await db.query<ConfigDifference>(
    `SELECT b.server_id::int AS "serverId", 'setting' AS kind, d.name, d.before, d.after
       FROM config_baselines b
      CROSS JOIN LATERAL (
        SELECT coalesce(o.key, c.name) AS name, o.value AS before, c.setting AS after
          FROM (SELECT key, value FROM jsonb_each_text(b.settings)) o
          FULL JOIN (SELECT name, setting FROM metrics.settings
                      WHERE server_id = b.server_id AND ${NEWEST('settings', 'b.server_id')}) c
            ON c.name = o.key
         WHERE o.value IS DISTINCT FROM c.setting
      ) d
      WHERE b.server_id = ANY($1::bigint[])
        AND EXISTS (SELECT 1 FROM metrics.settings s WHERE s.server_id = b.server_id)
      ORDER BY 1, 3`,
    [serverIds],
  );
  if (!has.hba) return settings;
  const hba = await db.query<ConfigDifference>(
    `WITH cur AS (
       SELECT b.server_id, b.hba AS marked,
              (SELECT jsonb_agg(${HBA_LINE} ORDER BY h.line_number) FROM metrics.hba_rules h
                WHERE h.server_id = b.server_id AND h.${NEWEST('hba_rules', 'b.server_id')}) AS now
         FROM config_baselines b
        WHERE b.server_id = ANY($1::bigint[]) AND b.hba IS NOT NULL
     ), diff AS (
       SELECT server_id, marked, now,
              ARRAY(SELECT jsonb_array_elements_text(marked) EXCEPT ALL
                    SELECT jsonb_array_elements_text(now)) AS removed,
              ARRAY(SELECT jsonb_array_elements_text(now) EXCEPT ALL
                    SELECT jsonb_array_elements_text(marked)) AS added
         FROM cur WHERE now IS NOT NULL AND now <> marked
     )
     SELECT server_id::int AS "serverId", 'hba' AS kind, 'pg_hba.conf' AS name, line AS before, NULL AS after
       FROM diff, unnest(removed) line
     UNION ALL
     SELECT server_id::int, 'hba', 'pg_hba.conf', NULL, line FROM diff, unnest(added) line
     UNION ALL
     SELECT server_id::int, 'hba', 'pg_hba.conf', NULL, NULL
       FROM diff WHERE cardinality(removed) = 0 AND cardinality(added) = 0
     ORDER BY 1, 4, 5`,
    [serverIds],
  );
  return [...settings, ...hba];
}

/** Per server with a mark: how many settings and pg_hba.conf lines differ, and which. */
export interface ConfigDrift {
  serverId: number;
  settings: number;
  hba: number;
  /** the names of the changed settings (and "pg_hba.conf"), comma-separated */
  changed: string;
}

/** The config_drift rule's source: every marked server among `serverIds`, drifted or not. */
export async function configDriftByServer(
  db: Queryable,
  serverIds: readonly number[],
): Promise<ConfigDrift[]> {
  if (!serverIds.length) return [];
  const marked = await db.query<{ id: number }>(
    'SELECT server_id::int AS id FROM config_baselines WHERE server_id = ANY($1::bigint[])',
    [serverIds],
  );
  if (!marked.length) return [];
  const diffs = await listConfigDrift(
    db,
    marked.map((m) => m.id),
  );
  return marked.map(({ id }) => {
    const mine = diffs.filter((d) => d.serverId === id);
    const settings = mine.filter((d) => d.kind === 'setting');
    const hba = mine.filter((d) => d.kind === 'hba');
    return {
      serverId: id,
      settings: settings.length,
      hba: hba.length,
      changed: [...settings.map((d) => d.name), ...(hba.length ? ['pg_hba.conf'] : [])].join(', '),
    };
  });
}

/** A server's mark and what differs from it now (none when nothing was marked). */
export async function getConfigDriftView({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof serverInput>;
}): Promise<{
  baseline: ConfigBaseline | null;
  differences: Omit<ConfigDifference, 'serverId'>[];
}> {
  const i = parseInput(serverInput, input);
  const baseline = await getConfigBaseline({ db, input: i });
  const differences = baseline
    ? (await listConfigDrift(db, [i.serverId])).map(({ kind, name, before, after }) => ({
        kind,
        name,
        before,
        after,
      }))
    : [];
  return { baseline, differences };
}
