import { PROBE_PRIVILEGES, PRIVILEGES_SQL, type ProbePrivilege } from './privileges';
import type { ProbeClient, ProbeContext } from './run-probe';

/** The probe context of a freshly opened session: version and installed extensions. */
export async function loadProbeContext(
  client: ProbeClient,
  serverVersion: number,
): Promise<ProbeContext> {
  const r = await client.query(
    `SELECT /* pgvigil:context */ current_database() AS db,
            coalesce((SELECT json_object_agg(extname, extversion) FROM pg_extension), '{}') AS ext`,
  );
  const row = r.rows[0] ?? {};
  const p =
    (await client.query(`${PRIVILEGES_SQL.replace('SELECT', 'SELECT /* pgvigil:context */')}`))
      .rows[0] ?? {};
  return {
    serverVersion,
    database: String(row.db),
    extensions: new Map(Object.entries((row.ext ?? {}) as Record<string, string>)),
    privileges: {
      role: String(p.role),
      has: new Set(PROBE_PRIVILEGES.filter((name): name is ProbePrivilege => p[name] === true)),
    },
  };
}

/** Databases per-database probes run in: those accepting connections, templates excluded. */
export async function discoverDatabases(client: ProbeClient): Promise<string[]> {
  const r = await client.query(
    `SELECT /* pgvigil:discover */ datname FROM pg_database
      WHERE datallowconn AND NOT datistemplate ORDER BY datname`,
  );
  return r.rows.map((row) => String(row.datname));
}

/**
 * Texts of the given pg_stat_statements entries. Reading texts makes the server read
 * its whole query-text file, so this runs only when new queryids appeared.
 */
export async function fetchQueryTexts(
  client: ProbeClient,
  queryIds: readonly string[],
): Promise<{ queryid: string; query: string }[]> {
  if (queryIds.length === 0) return [];
  await client.query('BEGIN TRANSACTION READ ONLY');
  try {
    await client.query('SET LOCAL statement_timeout = 10000');
    const r = await client.query(
      `SELECT /* pgvigil:statement_texts */ DISTINCT ON (queryid) queryid::text AS queryid, query
         FROM pg_stat_statements(true) WHERE queryid = ANY($1::bigint[])`,
      [queryIds],
    );
    await client.query('COMMIT');
    return r.rows.map((row) => ({ queryid: String(row.queryid), query: String(row.query) }));
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
