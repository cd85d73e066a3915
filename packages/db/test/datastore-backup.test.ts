import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMetricTable, type MetricSpec } from '@pgvigil/db/metrics';
import { createCluster, createServer, listServers } from '@pgvigil/db/registry';
import { createSecretBox, loadMigrations } from '@pgvigil/db';
import { freshDatastore, serverUrl, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { datastoreCommand } from '../../../scripts/cli/backup';
import type { CliContext } from '../../../scripts/cli/context';
import { pgvigil } from './cli';

const major = testMajors()[0] ?? 14;
const t0 = new Date();

const spec = {
  name: 'backup_probe',
  scope: 'instance',
  intervalSeconds: 60,
  retentionDays: 3,
  changeTracked: false,
  columns: [
    { name: 'label', type: 'text', key: true },
    { name: 'value', type: 'double' },
  ],
} as MetricSpec;

describe(`pgvigil datastore backup|restore on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let dir: string;
  const asides: string[] = [];
  /** restore in this process (a spawn costs seconds on a loaded machine) */
  const restore = async (file: string, inUse = false) => {
    const lines: string[] = [];
    await datastoreCommand(
      {
        db: ds.db,
        env: { home: dir } as CliContext['env'],
        flags: {},
        secretBox: () => Promise.reject(new Error('unused')),
        out: (line) => lines.push(line),
        url: ds.url,
        inUse,
      },
      'restore',
      file,
    );
    const out = lines.join('\n');
    const aside = /database "([^"]+)"/.exec(out)?.[1];
    if (aside) asides.push(aside);
    return out;
  };
  beforeAll(async () => {
    ds = await freshDatastore(major);
    dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-backup-'));
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: serverUrl(major) });
    await admin.connect();
    for (const name of asides) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await ds?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('backs up while the datastore serves; a restore brings deleted rows back', async () => {
    const box = createSecretBox(Buffer.alloc(32, 7));
    const core = await createCluster(ds.db, { name: 'core' });
    await createServer(ds.db, box, {
      name: 'orders',
      host: 'db.internal',
      clusterId: core.id,
      username: 'monitor',
      password: 'kept-secret',
    });
    await ensureMetricTable(ds.db, spec, t0);
    await ds.db.query(
      `INSERT INTO metrics.backup_probe (collected_at, server_id, label, value)
       SELECT $1, id, E'tab\\there "quoted"\\nnewline', 4.5 FROM servers`,
      [t0],
    );
    const file = path.join(dir, 'pgvigil.backup');
    const run = await pgvigil(['datastore', 'backup', file], {
      DATABASE_URL: ds.url,
      PGVIGIL_HOME: path.join(dir, 'home'),
    });
    expect(run.out).toMatch(/backed up schema version \d+: \d+ tables/);
    expect(run.code).toBe(0);

    // lose things: the servers' rows (and, by cascade, their samples), a whole metric table
    await ds.db.query('DELETE FROM servers');
    await ds.db.query('DROP TABLE metrics.backup_probe CASCADE');
    const out = await restore(file);
    expect(out).toContain('the previous data is kept as database');

    const [server] = await listServers(ds.db);
    expect(server).toMatchObject({ name: 'orders', clusterName: 'core', hasPassword: true });
    const samples = await ds.db.query<{ label: string; value: number }>(
      'SELECT label, value FROM metrics.backup_probe',
    );
    expect(samples).toEqual([{ label: 'tab\there "quoted"\nnewline', value: 4.5 }]);
    // ids continue after the restored ones
    const again = await createCluster(ds.db, { name: 'edge' });
    expect(again.id).toBeGreaterThan(core.id);
    // the metric table is whole again: the collector's idempotent ensure finds it as it left it
    await ensureMetricTable(ds.db, spec, t0);
  });

  it('refuses while pgvigil is connected, and refuses a backup of a newer schema', async () => {
    const file = path.join(dir, 'pgvigil.backup');
    await expect(restore(file, true)).rejects.toThrow(/pgvigil is running .*stop it first/);
    const web = new pg.Client({ connectionString: ds.url, application_name: 'pgvigil-web' });
    await web.connect();
    try {
      await expect(restore(file)).rejects.toThrow(/pgvigil is connected .*stop it first/);
    } finally {
      await web.end();
    }

    const newest = Math.max(...(await loadMigrations()).map((m) => m.version));
    const future = path.join(dir, 'future.backup');
    const header = { schemaVersion: newest + 1, ddl: [], tables: [], sequences: [] };
    await writeFile(future, gzipSync(`PGVIGIL-BACKUP 1\n${JSON.stringify(header)}\n`));
    await expect(restore(future)).rejects.toThrow(/newer than this pgvigil knows/);
    expect((await listServers(ds.db)).map((s) => s.name)).toEqual(['orders']);
  });
});
