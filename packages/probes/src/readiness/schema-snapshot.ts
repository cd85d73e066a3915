// One database's schema as the compare sees it: catalog reads only (no table lock),
// estimates from reltuples, and the replication links (subscriptions, logical slots).
import type { ProbeClient } from '../run-probe';

export interface SchemaSnapshot {
  serverVersion: number;
  database: string;
  tables: { name: string; rows: number | null; bytes: number }[];
  columns: { table: string; name: string; type: string; notNull: boolean }[];
  indexes: { table: string; name: string; definition: string }[];
  constraints: { table: string; name: string; definition: string }[];
  sequences: { name: string; lastValue: number | null; type: string }[];
  extensions: { name: string; version: string }[];
  subscriptions: { name: string; slot: string | null; enabled: boolean; publications: string[] }[];
  /** logical slots of this database with the WAL they hold back */
  slots: { name: string; active: boolean; lagBytes: number | null }[];
  /** walsenders by application_name (a subscription's name), with replay lag */
  senders: { applicationName: string; replayLagSeconds: number | null; lagBytes: number | null }[];
}

const USER = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'`;
const NOT_EXT = `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;
const QNAME = `quote_ident(n.nspname) || '.' || quote_ident(c.relname)`;
/** Column names of an attnum array of relation `rel`, in order; 0 (an expression) as "expr". */
const cols = (attnums: string, rel: string) =>
  `(SELECT string_agg(coalesce(quote_ident(ca.attname), 'expr'), ', ' ORDER BY u.ord)
      FROM unnest(${attnums}) WITH ORDINALITY u(attnum, ord)
      LEFT JOIN pg_attribute ca ON ca.attrelid = ${rel} AND ca.attnum = u.attnum)`;
const CURRENT_LSN = `CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END`;

export async function readSchemaSnapshot(
  client: ProbeClient,
  serverVersion: number,
): Promise<SchemaSnapshot> {
  const q = async (sql: string) => (await client.query(`/* pgvigil:compare */ ${sql}`)).rows;
  const bs = Number((await q(`SELECT current_setting('block_size') AS bs`))[0]?.bs ?? 8192);
  const database = String((await q(`SELECT current_database() AS db`))[0]?.db);
  const tables = await q(`
    SELECT ${QNAME} AS name, CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END AS rows,
           (c.relpages::bigint + coalesce(t.relpages, 0)) * ${bs} AS bytes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
     WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't' AND ${USER} AND ${NOT_EXT} ORDER BY 1`);
  const columns = await q(`
    SELECT ${QNAME} AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
       AND ${USER} AND ${NOT_EXT} ORDER BY 1, a.attnum`);
  // Definitions from catalog rows, not pg_get_indexdef() / pg_get_constraintdef() /
  // pg_get_expr(): each locks the table. Columns by name, so OIDs never differ; an
  // expression or predicate is only said to be there (its stored tree varies by major).
  const indexes = await q(`
    SELECT ${QNAME} AS table, quote_ident(ic.relname) AS name,
           concat_ws(' ', CASE WHEN i.indisprimary THEN 'PRIMARY KEY' WHEN i.indisunique THEN 'UNIQUE' END,
                     am.amname, '(' || ${cols('i.indkey::int2[]', 'i.indrelid')} || ')',
                     CASE WHEN i.indexprs IS NOT NULL THEN 'with expressions' END,
                     CASE WHEN i.indpred IS NOT NULL THEN 'partial' END)
             AS definition
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
      JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't' AND ${USER} AND ${NOT_EXT} ORDER BY 1, 2`);
  // NOT NULL is a column's property here (18 also records it as a constraint)
  const constraints = await q(`
    SELECT ${QNAME} AS table, quote_ident(k.conname) AS name,
           concat_ws(' ', CASE k.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE'
                                         WHEN 'f' THEN 'FOREIGN KEY' WHEN 'c' THEN 'CHECK'
                                         WHEN 'x' THEN 'EXCLUDE' ELSE k.contype::text END,
                     '(' || ${cols('k.conkey', 'k.conrelid')} || ')',
                     CASE WHEN k.contype = 'f' THEN 'REFERENCES ' || k.confrelid::regclass::text
                          || ' (' || ${cols('k.confkey', 'k.confrelid')} || ')' END,
                                          CASE WHEN k.condeferrable THEN 'DEFERRABLE' END,
                     CASE WHEN NOT k.convalidated THEN 'NOT VALID' END) AS definition
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype <> 'n' AND c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
       AND ${USER} AND ${NOT_EXT} ORDER BY 1, 2`);
  const sequences = await q(`
    SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) AS name,
           last_value::text AS last_value, data_type::text AS type
      FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`);
  const extensions = await q(
    `SELECT extname AS name, extversion AS version FROM pg_extension ORDER BY 1`,
  );
  // subconninfo is not readable by ordinary roles: never asked for
  const subscriptions = await q(`
    SELECT subname AS name, subslotname AS slot, subenabled AS enabled, subpublications AS publications
      FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
     ORDER BY 1`);
  const slots = await q(`
    SELECT slot_name AS name, active,
           pg_wal_lsn_diff(${CURRENT_LSN}, confirmed_flush_lsn)::bigint AS lag_bytes
      FROM pg_replication_slots WHERE slot_type = 'logical' AND database = current_database() ORDER BY 1`);
  const senders = await q(`
    SELECT application_name, extract(epoch FROM replay_lag)::float8 AS replay_lag,
           pg_wal_lsn_diff(${CURRENT_LSN}, replay_lsn)::bigint AS lag_bytes
      FROM pg_stat_replication ORDER BY 1`);
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    serverVersion,
    database,
    tables: tables.map((r) => ({ name: String(r.name), rows: n(r.rows), bytes: Number(r.bytes) })),
    columns: columns.map((r) => ({
      table: String(r.table),
      name: String(r.name),
      type: String(r.type),
      notNull: r.not_null === true,
    })),
    indexes: indexes.map((r) => ({
      table: String(r.table),
      name: String(r.name),
      definition: String(r.definition),
    })),
    constraints: constraints.map((r) => ({
      table: String(r.table),
      name: String(r.name),
      definition: String(r.definition),
    })),
    sequences: sequences.map((r) => ({
      name: String(r.name),
      lastValue: n(r.last_value),
      type: String(r.type),
    })),
    extensions: extensions.map((r) => ({ name: String(r.name), version: String(r.version) })),
    subscriptions: subscriptions.map((r) => ({
      name: String(r.name),
      slot: r.slot === null ? null : String(r.slot),
      enabled: r.enabled === true,
      publications: (r.publications as string[]).map(String),
    })),
    slots: slots.map((r) => ({
      name: String(r.name),
      active: r.active === true,
      lagBytes: n(r.lag_bytes),
    })),
    senders: senders.map((r) => ({
      applicationName: String(r.application_name),
      replayLagSeconds: n(r.replay_lag),
      lagBytes: n(r.lag_bytes),
    })),
  };
}

/**
 * Exact row counts, each in its own short read-only transaction (its lock is held only
 * while it counts) with its own time limit; a table that takes longer is null, and so
 * is every table left when `totalMs` is spent.
 */
export async function countRows(
  client: ProbeClient,
  tables: readonly string[],
  perTableMs: number,
  totalMs = 60_000,
): Promise<Map<string, number | null>> {
  const counts = new Map<string, number | null>();
  const deadline = Date.now() + totalMs;
  for (const table of tables) {
    if (Date.now() >= deadline) {
      counts.set(table, null);
      continue;
    }
    await client.query('BEGIN TRANSACTION READ ONLY');
    try {
      await client.query(`SET LOCAL statement_timeout = ${Math.floor(perTableMs)}`);
      await client.query('SET LOCAL lock_timeout = 1000');
      // `table` is quote_ident'ed by the catalog query it came from
      const r = await client.query(
        `SELECT /* pgvigil:compare */ count(*)::bigint AS n FROM ${table}`,
      );
      counts.set(table, Number(r.rows[0]?.n));
    } catch (err) {
      const code = (err as { code?: string }).code;
      // 57014: statement timeout, 55P03: lock timeout; anything else is the caller's
      if (code !== '57014' && code !== '55P03') throw err;
      counts.set(table, null);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  }
  return counts;
}
