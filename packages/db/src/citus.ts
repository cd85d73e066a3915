import type { Queryable } from './client';

/**
 * The datastore's layout on a distributed PostgreSQL (Citus): every table of schema
 * `metrics` (raw samples and rollups) and the per-server tables below are distributed
 * by `server_id` and colocated, so one server's rows live on one node and every
 * per-server query, join and rollup runs there; every other table is small
 * configuration and state, replicated to all nodes as a reference table.
 * docs/scale-out.md explains it; the schema test holds the tables to it.
 */
export const DISTRIBUTION_COLUMN = 'server_id';
/** Tables outside schema `metrics` that grow with the fleet's samples. */
export const PER_SERVER_TABLES = ['query_texts', 'query_plans', 'index_candidates'] as const;
/** Colocated tables are distributed "like" this one. */
const COLOCATE_WITH = 'public.query_texts';

export interface CitusLayout {
  distributed: string[];
  reference: string[];
}

/** The datastore's tables, by how Citus would hold them (qualified names, sorted). */
export async function citusLayout(db: Queryable): Promise<CitusLayout> {
  const rows = await db.query<{ name: string; schema: string; table: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, n.nspname AS schema, c.relname AS table
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname IN ('public', 'metrics')
      ORDER BY 1`,
  );
  const perServer = new Set<string>(PER_SERVER_TABLES);
  const distributed = (r: { schema: string; table: string }) =>
    r.schema === 'metrics' || (r.schema === 'public' && perServer.has(r.table));
  return {
    distributed: rows.filter(distributed).map((r) => r.name),
    reference: rows.filter((r) => !distributed(r)).map((r) => r.name),
  };
}

/**
 * Why the schema would not distribute as `citusLayout` says; empty when it would.
 * Citus needs every primary key, unique index and exclusion constraint of a
 * distributed table to include the distribution column, foreign keys only from a
 * distributed table to a reference table (or to a colocated table, on the
 * distribution column), none from a reference table to a distributed one, and no
 * row triggers on distributed tables (a trigger that reads other distributed tables
 * cannot run on the worker that holds the row).
 */
export async function citusLayoutProblems(db: Queryable): Promise<string[]> {
  const layout = await citusLayout(db);
  const distributed = new Set(layout.distributed);
  const problems: string[] = [];
  const column = await db.query<{ name: string; type: string | null; notnull: boolean | null }>(
    `SELECT t.name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull
       FROM unnest($1::text[]) AS t(name)
       LEFT JOIN pg_attribute a ON a.attrelid = t.name::regclass AND a.attname = $2 AND NOT a.attisdropped`,
    [layout.distributed, DISTRIBUTION_COLUMN],
  );
  for (const c of column) {
    if (c.type !== 'bigint' || !c.notnull)
      problems.push(
        `${c.name}: needs ${DISTRIBUTION_COLUMN} bigint NOT NULL (has ${c.type ?? 'none'})`,
      );
  }
  // unique and exclusion indexes, on the tables themselves and on any partition
  const unique = await db.query<{ table: string; index: string; keys: string[] }>(
    `SELECT format('%I.%I', n.nspname, coalesce(root.relname, c.relname)) AS table,
            i.indexrelid::regclass::text AS index,
            array(SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum = ANY(i.indkey)) AS keys
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class root ON root.oid = (SELECT pg_partition_root(c.oid)) AND c.relispartition
      WHERE (i.indisunique OR i.indisexclusion) AND n.nspname IN ('public', 'metrics')`,
  );
  for (const u of unique) {
    if (distributed.has(u.table) && !u.keys.includes(DISTRIBUTION_COLUMN))
      problems.push(`${u.table}: unique index ${u.index} lacks ${DISTRIBUTION_COLUMN}`);
  }
  const fks = await db.query<{
    from: string;
    to: string;
    name: string;
    cols: string[];
    refs: string[];
  }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS from, format('%I.%I', rn.nspname, r.relname) AS to,
            k.conname AS name,
            array(SELECT attname FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
                    JOIN pg_attribute ON attrelid = k.conrelid AND attnum = u.n ORDER BY o) AS cols,
            array(SELECT attname FROM unnest(k.confkey) WITH ORDINALITY u(n, o)
                    JOIN pg_attribute ON attrelid = k.confrelid AND attnum = u.n ORDER BY o) AS refs
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
      WHERE k.contype = 'f' AND NOT c.relispartition AND n.nspname IN ('public', 'metrics')
        AND k.conparentid = 0`,
  );
  for (const f of fks) {
    if (!distributed.has(f.to)) continue; // to a reference table: fine from anywhere
    const colocated =
      distributed.has(f.from) &&
      f.cols.indexOf(DISTRIBUTION_COLUMN) !== -1 &&
      f.cols.indexOf(DISTRIBUTION_COLUMN) === f.refs.indexOf(DISTRIBUTION_COLUMN);
    if (!colocated)
      problems.push(
        `${f.from}: foreign key ${f.name} to distributed ${f.to} is not on ${DISTRIBUTION_COLUMN}`,
      );
  }
  const triggers = await db.query<{ table: string; name: string }>(
    `SELECT format('%I.%I', n.nspname, coalesce(root.relname, c.relname)) AS table, t.tgname AS name
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class root ON root.oid = (SELECT pg_partition_root(c.oid)) AND c.relispartition
      WHERE NOT t.tgisinternal AND (t.tgtype & 1) = 1 AND n.nspname IN ('public', 'metrics')`,
  );
  for (const t of triggers) {
    if (distributed.has(t.table)) problems.push(`${t.table}: row trigger ${t.name}`);
  }
  return [...new Set(problems)].sort();
}

/**
 * The statements that turn an existing datastore into a Citus one, in order:
 * reference tables first (foreign keys point at them), then the distributed tables,
 * colocated. Run on the coordinator after `CREATE EXTENSION citus` (docs/scale-out.md).
 */
export async function citusLayoutSql(db: Queryable): Promise<string[]> {
  const layout = await citusLayout(db);
  // on a Citus coordinator already: only the tables not distributed yet (a newer
  // pgvigil's new probes), so the plan can be run again after an upgrade
  const [citus] = await db.query<{ present: boolean }>(
    `SELECT to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL AS present`,
  );
  const done = new Set(
    citus?.present
      ? (
          await db.query<{ name: string }>(
            `SELECT format('%I.%I', n.nspname, c.relname) AS name
               FROM pg_catalog.pg_dist_partition p
               JOIN pg_class c ON c.oid = p.logicalrelid JOIN pg_namespace n ON n.oid = c.relnamespace`,
          )
        ).map((r) => r.name)
      : [],
  );
  const literal = (name: string) => `'${name.replace(/'/g, "''")}'`;
  const first = COLOCATE_WITH;
  const distributed = [first, ...layout.distributed.filter((t) => t !== first)];
  return [
    ...layout.reference
      .filter((t) => !done.has(t))
      .map((t) => `SELECT create_reference_table(${literal(t)});`),
    ...distributed.flatMap((t, i) =>
      done.has(t)
        ? []
        : i === 0
          ? `SELECT create_distributed_table(${literal(t)}, ${literal(DISTRIBUTION_COLUMN)});`
          : `SELECT create_distributed_table(${literal(t)}, ${literal(DISTRIBUTION_COLUMN)}, colocate_with => ${literal(first)});`,
    ),
  ];
}
