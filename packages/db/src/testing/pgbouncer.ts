import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from '../embedded/index';
import { untilListening } from './listening';
import { TEST_PASSWORD } from './servers';

export const PGBOUNCER = '/usr/sbin/pgbouncer';

/** The roles the test pooler knows (its auth_file): one in stats_users, one plain client. */
export const PGBOUNCER_USERS = {
  stats: { user: 'pgvigil_stats', password: 'stats-secret' },
  client: { user: 'app', password: 'app-secret' },
} as const;

export interface PgbouncerOptions {
  /** the PostgreSQL server the pooler fronts (a superuser URL of the run's server) */
  serverUrl: string;
  /** database name clients use -> database on the server (default { app: 'postgres' }) */
  databases?: Record<string, string>;
  authType?: 'scram-sha-256' | 'md5';
  /** extra [pgbouncer] settings: default_pool_size, max_client_conn, ... */
  settings?: Record<string, string | number>;
}

export interface TestPgbouncer {
  port: number;
  /** connection string of the admin console as `who` (default: the stats user) */
  adminUrl(who?: keyof typeof PGBOUNCER_USERS): string;
  /** connection string of a pooled database as the plain client */
  clientUrl(database?: string): string;
  /** Kills it, as a crashed pooler: every client and server connection drops. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real PgBouncer (Debian's package) on a free loopback port in front of the run's
 * PostgreSQL, with its own ini and auth_file (plain passwords, which both md5 and SCRAM
 * accept) in a world-readable folder. PgBouncer refuses to run as root: as root it runs
 * as postgres (the embedded servers' OS user) through setpriv. Foreground, logging to
 * stderr; stopped by stop(), or killed with the test process (parent-death signal).
 */
export async function startPgbouncer(options: PgbouncerOptions): Promise<TestPgbouncer> {
  if (!existsSync(PGBOUNCER))
    throw new Error(`${PGBOUNCER} is missing: install pgbouncer (npm test installs it as root)`);
  const dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-pgbouncer-'));
  await chmod(dir, 0o755);
  const server = new URL(options.serverUrl);
  const databases = options.databases ?? { app: 'postgres' };
  const users = Object.values(PGBOUNCER_USERS)
    .map((u) => `"${u.user}" "${u.password}"`)
    .join('\n');
  await writeFile(path.join(dir, 'users.txt'), `${users}\n`, { mode: 0o644 });
  let child: ChildProcess | null = null;

  const start = async (port: number) => {
    const ini = [
      '[databases]',
      ...Object.entries(databases).map(
        ([name, dbname]) =>
          `${name} = host=127.0.0.1 port=${server.port} dbname=${dbname} user=postgres password=${TEST_PASSWORD}`,
      ),
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      `auth_type = ${options.authType ?? 'scram-sha-256'}`,
      `auth_file = ${path.join(dir, 'users.txt')}`,
      `stats_users = ${PGBOUNCER_USERS.stats.user}`,
      ...Object.entries(options.settings ?? {}).map(([k, v]) => `${k} = ${v}`),
      '',
    ].join('\n');
    await writeFile(path.join(dir, 'pgbouncer.ini'), ini, { mode: 0o644 });
    // setpriv (util-linux): the parent-death signal ends PgBouncer with the test process,
    // which it would otherwise outlive; as root it also drops to postgres before exec
    const asPostgres =
      userInfo().uid === 0 ? ['--reuid=postgres', '--regid=postgres', '--init-groups'] : [];
    const args = [...asPostgres, '--pdeathsig', 'SIGKILL', '--', PGBOUNCER];
    const proc = spawn('setpriv', [...args, path.join(dir, 'pgbouncer.ini')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    // Ready when it says it listens on our port: another process may hold the port.
    await untilListening(proc, `listening on 127.0.0.1:${port}`, 'pgbouncer');
  };

  const kill = async () => {
    const proc = child;
    child = null;
    if (!proc?.pid || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await start(port);
      break;
    } catch (err) {
      if (attempt === 3) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const url = (user: string, password: string, database: string) =>
    `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
  return {
    port,
    adminUrl: (who = 'stats') =>
      url(PGBOUNCER_USERS[who].user, PGBOUNCER_USERS[who].password, 'pgbouncer'),
    clientUrl: (database = Object.keys(databases)[0] ?? 'app') =>
      url(PGBOUNCER_USERS.client.user, PGBOUNCER_USERS.client.password, database),
    kill,
    start: () => start(port),
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
