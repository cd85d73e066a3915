import { execFile } from 'node:child_process';
import { cp, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startEmbedded, type EmbeddedServer, type Major } from '../embedded/index';
import { TEST_PASSWORD, TEST_SERVER_SETTINGS, type TestCluster } from './servers';

async function streaming(primaryUrl: string, name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: primaryUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_replication
        WHERE application_name = $1 AND state = 'streaming'`,
      [name],
    );
    return rows[0]!.n === 1;
  } finally {
    await c.end();
  }
}

/**
 * A streaming standby of one of a test cluster's servers, made without pg_basebackup
 * (the embedded binaries lack it): a physical slot named `name`, the low-level
 * backup API around a file copy, standby.signal. Resolves once the primary sees it
 * streaming; its folder is under the cluster's root, removed with the cluster.
 */
export async function startStandby(
  cluster: TestCluster,
  major: Major,
  options: { name?: string; settings?: Record<string, string | number> } = {},
): Promise<EmbeddedServer> {
  const name = options.name ?? 'standby1';
  const primaryUrl = cluster.servers.get(major)!.url('postgres');
  const source = path.join(cluster.root, `pg${major}`);
  const target = path.join(cluster.root, name);
  const owner = await stat(source);
  const session = new pg.Client({ connectionString: primaryUrl });
  await session.connect();
  try {
    await session.query('SELECT pg_create_physical_replication_slot($1, true)', [name]);
    // renamed in 15; non-exclusive either way
    await session.query(
      major >= 15
        ? `SELECT pg_backup_start('pgvigil-test', true)`
        : `SELECT pg_start_backup('pgvigil-test', true, false)`,
    );
    await cp(source, target, {
      recursive: true,
      preserveTimestamps: true,
      filter: (f) =>
        !/postmaster\.(pid|opts)$/.test(f) && !f.includes(`${path.sep}pg_wal${path.sep}`),
    });
    const { rows } = await session.query<{ labelfile: string }>(
      major >= 15
        ? 'SELECT labelfile FROM pg_backup_stop(false)'
        : 'SELECT labelfile FROM pg_stop_backup(false, false)',
    );
    await writeFile(path.join(target, 'backup_label'), rows[0]!.labelfile);
    await writeFile(path.join(target, 'standby.signal'), '');
  } finally {
    await session.end();
  }
  // cp copies as the test's user: the server's OS user must own what it reads and writes
  await new Promise<void>((resolve, reject) =>
    execFile('chown', ['-R', `${owner.uid}:${owner.gid}`, target], (e) =>
      e ? reject(e) : resolve(),
    ),
  );
  const port = new URL(primaryUrl).port;
  const standby = await startEmbedded({
    dataDir: target,
    major,
    superuserPassword: TEST_PASSWORD,
    settings: {
      ...TEST_SERVER_SETTINGS,
      ...options.settings,
      primary_conninfo: `host=127.0.0.1 port=${port} user=postgres password=${TEST_PASSWORD} application_name=${name}`,
      primary_slot_name: name,
      hot_standby: 'on',
    },
  });
  const end = Date.now() + 60_000;
  while (!(await streaming(primaryUrl, name))) {
    if (Date.now() > end) {
      await standby.stop();
      throw new Error(`standby ${name} is not streaming after 60 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return standby;
}
