import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appliedVersion, createDb, loadMigrations, migrate, type Db } from '@pgvigil/db';
import { freshDatabase, testMajors, type TestDatabase } from '@pgvigil/db/testing';
import { CHANNEL_TYPES } from '@pgvigil/schema';

describe.each(testMajors())('migrations on PostgreSQL %i', (major) => {
  let database: TestDatabase;
  let pools: Db[];
  beforeAll(async () => {
    database = await freshDatabase(major, 'mig');
    pools = Array.from({ length: 4 }, () =>
      createDb({ url: database.url, applicationName: 'migrate-test' }),
    );
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await database.drop();
  });

  it('applies every migration once when four processes start at the same moment', async () => {
    const results = await Promise.all(pools.map((db) => migrate(db)));
    const applied = results.flatMap((r) => r.applied);
    const all = await loadMigrations();
    expect(applied).toHaveLength(all.length);
    expect(new Set(applied).size).toBe(all.length);
    expect(await appliedVersion(pools[0]!)).toBe(all.at(-1)?.version);
  });

  it('is idempotent: running again applies nothing', async () => {
    const again = await migrate(pools[0]!);
    expect(again.applied).toEqual([]);
  });

  it('widens the channel type CHECK to every channel type of @pgvigil/schema', async () => {
    const db = pools[0]!;
    const def = async () =>
      (
        await db.query<{ def: string }>(
          "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'channels_type_check'",
        )
      )[0]?.def ?? '';
    // As a datastore migrated before the newest type existed would have it.
    await db.query(
      "ALTER TABLE channels DROP CONSTRAINT channels_type_check, ADD CONSTRAINT channels_type_check CHECK (type IN ('slack'))",
    );
    expect(await def()).not.toContain('email');
    await migrate(db);
    for (const t of CHANNEL_TYPES) expect(await def()).toContain(`'${t}'::text`);
    await expect(
      db.query("INSERT INTO channels (type, name, config) VALUES ('carrier-pigeon', 'x', '{}')"),
    ).rejects.toThrow(/channels_type_check/);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const all = await loadMigrations();
    const edited = all.map((m, i) => (i === 0 ? { ...m, checksum: 'changed' } : m));
    await expect(migrate(pools[0]!, edited)).rejects.toThrow(/forward-only/);
  });

  it('rolls back a failing migration whole and records nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-mig-'));
    await writeFile(path.join(dir, '9001_bad.sql'), 'CREATE TABLE half_done (id int); SELECT 1/0;');
    const bad = [...(await loadMigrations()), ...(await loadMigrations(dir))];
    await expect(migrate(pools[0]!, bad)).rejects.toThrow(/9001_bad failed/);
    const left = await pools[0]!.query<{ t: string | null }>(
      "SELECT to_regclass('half_done')::text AS t",
    );
    expect(left[0]?.t).toBeNull();
    expect(await appliedVersion(pools[0]!)).toBeLessThan(9001);
  });

  it('rejects badly named migration files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-mig-'));
    await writeFile(path.join(dir, 'add-stuff.sql'), 'SELECT 1');
    await expect(loadMigrations(dir)).rejects.toThrow(/NNNN_descriptive_name/);
  });
});
