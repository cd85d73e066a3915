import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './client';
import { syncClosedSetChecks } from './closed-set-checks';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Resolved lazily: bundlers (the web app) import this module but never read the folder. */
export const migrationsDir = () =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
// Any constant works; both processes must use the same one.
const MIGRATION_LOCK_KEY = 7_451_902_113;

export async function loadMigrations(dir = migrationsDir()): Promise<Migration[]> {
  const files = (await readdir(/* turbopackIgnore: true */ dir))
    .filter((file) => file.endsWith('.sql'))
    .sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new Error(`Migration file ${file} must be named NNNN_descriptive_name.sql`);
    const sql = await readFile(/* turbopackIgnore: true */ `${dir}/${file}`, 'utf8');
    migrations.push({
      version: Number(match[1]),
      name: match[2] ?? file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  migrations.forEach((m, i) => {
    if (i > 0 && m.version === migrations[i - 1]?.version) {
      throw new Error(`Two migrations share version ${m.version}`);
    }
  });
  return migrations;
}

export interface MigrateResult {
  applied: string[];
  version: number;
}

/**
 * Applies pending migrations, each in its own transaction, under a session advisory
 * lock so that two processes starting at once never migrate concurrently.
 */
export async function migrate(db: Db, migrations?: Migration[]): Promise<MigrateResult> {
  const all = migrations ?? (await loadMigrations());
  const client = await db.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS pgvigil_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number; checksum: string; name: string }>(
      'SELECT version, checksum, name FROM pgvigil_migrations ORDER BY version',
    );
    const done = new Map(rows.map((r) => [r.version, r]));
    for (const m of all) {
      const previous = done.get(m.version);
      if (previous && previous.checksum !== m.checksum) {
        throw new Error(
          `Migration ${m.version}_${m.name} was changed after it was applied. Migrations are forward-only: add a new one instead.`,
        );
      }
    }
    const applied: string[] = [];
    for (const m of all.filter((m) => !done.has(m.version))) {
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query(
          'INSERT INTO pgvigil_migrations (version, name, checksum) VALUES ($1, $2, $3)',
          [m.version, m.name, m.checksum],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${m.version}_${m.name} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      applied.push(`${String(m.version).padStart(4, '0')}_${m.name}`);
    }
    await syncClosedSetChecks(client);
    const version = Math.max(0, ...all.map((m) => m.version));
    return { applied, version };
  } finally {
    await client
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    client.release();
  }
}
