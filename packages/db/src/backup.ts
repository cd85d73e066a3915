// Backup and restore of the datastore, logical and our own.
//
// The embedded datastore ships without pg_dump, and Debian's postgresql-client (15 on
// bookworm) refuses to dump a newer server (the embedded one is 18). So the backup is
// one REPEATABLE READ READ ONLY transaction (one snapshot, the apps keep writing) that
// COPYs every table of the `public` and `metrics` schemas out in text format, with the
// schema version, the DDL of the metric tables (made at run time, not by migrations) and
// the sequences. Gzipped. Restore builds a new database (migrations up to the backup's
// version, the metric DDL, COPY in, sequences, then the migrations since), and only then
// swaps it in: the previous database is kept, renamed.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { recordAudit } from './accounts/index';
import { createDb } from './client';
import { loadMigrations, migrate } from './migrate';
import { appliedVersion } from './schema-version';

const MAGIC = 'PGVIGIL-BACKUP 1';
const SCHEMAS = ['public', 'metrics'];
/** The apps' sessions: a restore refuses while any is connected. */
const APP_SESSIONS = ['pgvigil-web', 'pgvigil-collector', 'pgvigil-alerter', 'pgvigil-migrate'];

interface Header {
  schemaVersion: number;
  serverVersion: string;
  createdAt: string;
  /** CREATE statements of the metric tables, partitions and their indexes */
  ddl: string[];
  tables: { schema: string; name: string; columns: string[]; rows?: number }[];
  sequences: { schema: string; name: string; value: string | null }[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const qualified = (schema: string, name: string) => `${quote(schema)}.${quote(name)}`;

async function readHeader(client: pg.ClientBase): Promise<Header> {
  const { rows: version } = await client.query<{ v: number; server: string }>(
    `SELECT max(version) AS v, current_setting('server_version') AS server FROM pgvigil_migrations`,
  );
  // metric tables: partitioned parents first, their indexes, then the partitions
  const { rows: parents } = await client.query<{ oid: number; name: string; key: string }>(
    `SELECT c.oid, c.relname AS name, pg_get_partkeydef(c.oid) AS key
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'metrics' AND c.relkind = 'p' ORDER BY c.relname`,
  );
  const { rows: plain } = await client.query<{ oid: number; name: string }>(
    `SELECT c.oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'metrics' AND c.relkind = 'r' AND NOT c.relispartition ORDER BY c.relname`,
  );
  const columnsDdl = async (oid: number) => {
    const { rows } = await client.query<{ def: string }>(
      `SELECT quote_ident(attname) || ' ' || format_type(atttypid, atttypmod)
              || CASE WHEN attnotnull THEN ' NOT NULL' ELSE '' END
              || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS def
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [oid],
    );
    const { rows: constraints } = await client.query<{ def: string }>(
      `SELECT 'CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid) AS def
         FROM pg_constraint WHERE conrelid = $1 AND contype IN ('p', 'u', 'c') ORDER BY conname`,
      [oid],
    );
    return [...rows, ...constraints].map((r) => r.def).join(', ');
  };
  const indexes = async (oid: number) => {
    const { rows } = await client.query<{ def: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
        WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1`,
      [oid],
    );
    return rows.map((r) =>
      r.def.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS '),
    );
  };
  const ddl: string[] = ['CREATE SCHEMA IF NOT EXISTS metrics'];
  for (const t of [...plain, ...parents]) {
    const partitioned = 'key' in t ? ` PARTITION BY ${t.key}` : '';
    ddl.push(
      `CREATE TABLE IF NOT EXISTS ${qualified('metrics', t.name)} (${await columnsDdl(t.oid)})${partitioned}`,
      ...(await indexes(t.oid)),
    );
  }
  const { rows: partitions } = await client.query<{ name: string; parent: string; bound: string }>(
    `SELECT c.relname AS name, p.relname AS parent, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent
      WHERE n.nspname = 'metrics' AND c.relispartition AND c.relkind IN ('r', 'p')
      ORDER BY p.relname, c.relname`,
  );
  for (const p of partitions)
    ddl.push(
      `CREATE TABLE IF NOT EXISTS ${qualified('metrics', p.name)} PARTITION OF ${qualified('metrics', p.parent)} ${p.bound}`,
    );

  // every table holding rows (partitions, not their parents), with its stored columns
  const { rows: tables } = await client.query<{ schema: string; name: string; columns: string[] }>(
    `SELECT n.nspname AS schema, c.relname AS name,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                          AND a.attgenerated = ''
      WHERE n.nspname = ANY($1) AND c.relkind = 'r' AND c.relname <> 'pgvigil_migrations'
      GROUP BY 1, 2 ORDER BY 1 DESC, 2`,
    [SCHEMAS],
  );
  const { rows: sequences } = await client.query<{
    schema: string;
    name: string;
    value: string | null;
  }>(
    `SELECT schemaname AS schema, sequencename AS name, last_value::text AS value
       FROM pg_sequences WHERE schemaname = ANY($1) ORDER BY 1, 2`,
    [SCHEMAS],
  );
  return {
    schemaVersion: Number(version[0]?.v),
    serverVersion: version[0]?.server ?? '',
    createdAt: new Date().toISOString(),
    ddl,
    tables,
    sequences,
  };
}

export interface BackupSummary {
  schemaVersion: number;
  tables: number;
  rows: number;
  ms: number;
}

/** Writes a gzipped logical backup of the datastore at `url` to `file` (mode 0600). */
export async function backupDatastore(url: string, file: string): Promise<BackupSummary> {
  const client = new pg.Client({ connectionString: url, application_name: 'pgvigil-cli' });
  await client.connect();
  const started = Date.now();
  const gzip = createGzip();
  const written = pipeline(gzip, createWriteStream(file, { mode: 0o600 }));
  const write = async (chunk: string) => {
    if (!gzip.write(chunk)) await once(gzip, 'drain');
  };
  let rows = 0;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const header = await readHeader(client);
    await write(`${MAGIC}\n${JSON.stringify(header)}\n`);
    for (const t of header.tables) {
      const cols = t.columns.map(quote).join(', ');
      const out = client.query(copyTo(`COPY ${qualified(t.schema, t.name)} (${cols}) TO STDOUT`));
      for await (const chunk of out) {
        const text = (chunk as Buffer).toString('utf8');
        rows += text.split('\n').length - 1;
        await write(text);
      }
      await write('\\.\n');
    }
    await client.query('COMMIT');
    gzip.end();
    await written;
    return {
      schemaVersion: header.schemaVersion,
      tables: header.tables.length,
      rows,
      ms: Date.now() - started,
    };
  } catch (err) {
    gzip.destroy();
    await written.catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/** Reads a backup's lines in order: its header, then each table's COPY text up to `\.`. */
async function* lines(file: string): AsyncGenerator<string> {
  const rl = createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
  for await (const line of rl) yield line;
}

export interface RestoreSummary {
  createdAt: string;
  schemaVersion: number;
  /** the schema version after the migrations since the backup */
  nowVersion: number | null;
  /** the database the previous data was renamed to */
  aside: string;
}

/**
 * Restores `file` into the datastore at `url`: refuses while pgvigil's apps are
 * connected; the previous database is kept, renamed (`aside`).
 */
export async function restoreDatastore(url: string, file: string): Promise<RestoreSummary> {
  const reader = lines(file)[Symbol.asyncIterator]();
  const next = async () => {
    const r = await reader.next();
    if (r.done) throw new Error(`${file} ends early: not a whole pgvigil backup`);
    return r.value;
  };
  if ((await next().catch(() => '')) !== MAGIC) throw new Error(`${file} is not a pgvigil backup`);
  const header = JSON.parse(await next()) as Header;
  const migrations = await loadMigrations();
  const newest = Math.max(...migrations.map((m) => m.version));
  if (header.schemaVersion > newest)
    throw new Error(
      `${file} holds schema version ${header.schemaVersion}, newer than this pgvigil knows (${newest}): restore it with that pgvigil version or later`,
    );

  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1)) || 'postgres';
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const staging = `${name}_restoring_${stamp}`;
  const aside = `${name}_before_restore_${stamp}`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const adminClient = new pg.Client({
    connectionString: admin.toString(),
    application_name: 'pgvigil-cli',
  });
  await adminClient.connect();
  try {
    const { rows: apps } = await adminClient.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = ANY($2)`,
      [name, APP_SESSIONS],
    );
    if (apps[0]!.n > 0)
      throw new Error(
        `pgvigil is connected to the datastore "${name}": stop it first (restore replaces its data)`,
      );
    await adminClient.query(`CREATE DATABASE ${quote(staging)}`);
    const stagingUrl = new URL(url);
    stagingUrl.pathname = `/${encodeURIComponent(staging)}`;
    try {
      const db = createDb({ url: stagingUrl.toString(), applicationName: 'pgvigil-cli', max: 1 });
      try {
        await migrate(
          db,
          migrations.filter((m) => m.version <= header.schemaVersion),
        );
        await load(db, header, next);
        await migrate(db, migrations);
      } finally {
        await db.close();
      }
      // the swap: nothing may be connected to the database being replaced
      await adminClient.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [name],
      );
      await adminClient.query(`ALTER DATABASE ${quote(name)} RENAME TO ${quote(aside)}`);
      await adminClient.query(`ALTER DATABASE ${quote(staging)} RENAME TO ${quote(name)}`);
    } catch (err) {
      await adminClient.query(`DROP DATABASE IF EXISTS ${quote(staging)}`);
      throw err;
    }
  } finally {
    await adminClient.end();
  }
  const restored = createDb({ url, applicationName: 'pgvigil-cli', max: 1 });
  try {
    await recordAudit(restored, {
      at: new Date(),
      actorUserId: null,
      actor: 'pgvigil-cli',
      action: 'datastore.restore',
      targetType: 'datastore',
      targetId: null,
      details: { createdAt: header.createdAt, schemaVersion: header.schemaVersion },
    });
    return {
      createdAt: header.createdAt,
      schemaVersion: header.schemaVersion,
      nowVersion: await appliedVersion(restored),
      aside,
    };
  } finally {
    await restored.close();
  }
}

async function load(db: ReturnType<typeof createDb>, header: Header, next: () => Promise<string>) {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    // rows arrive table by table, not in foreign-key order: triggers (and so FK checks) wait
    await client.query(`SET LOCAL session_replication_role = replica`);
    for (const statement of header.ddl) await client.query(statement);
    for (const t of header.tables) {
      // tables a migration fills itself (closed sets, the catalog) take the backup's rows
      await client.query(`DELETE FROM ${qualified(t.schema, t.name)}`);
      const cols = t.columns.map(quote).join(', ');
      const input = client.query(
        copyFrom(`COPY ${qualified(t.schema, t.name)} (${cols}) FROM STDIN`),
      );
      const done = once(input, 'finish');
      for (let line = await next(); line !== '\\.'; line = await next())
        if (!input.write(`${line}\n`)) await once(input, 'drain');
      input.end();
      await done;
    }
    for (const s of header.sequences)
      if (s.value !== null)
        await client.query(`SELECT setval($1, $2::bigint, true)`, [
          qualified(s.schema, s.name),
          s.value,
        ]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
