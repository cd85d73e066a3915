import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { DEFAULT_MAJOR, resolveBinaries, type Major } from './binaries';
import { serverOsUser, unreachableAncestor, type OsUser } from './os-user';

export interface EmbeddedOptions {
  dataDir: string;
  major?: Major;
  /** 0 or omitted: a free loopback port */
  port?: number;
  superuserPassword: string;
  /** extra `-c name=value` server settings */
  settings?: Record<string, string | number>;
  onLog?: (line: string) => void;
  startTimeoutMs?: number;
  /** initdb --data-checksums (the default from PostgreSQL 18 on); only when the folder is new */
  dataChecksums?: boolean;
  /** false: the folder must hold data already (a restart never initialises an emptied one) */
  initialise?: boolean;
  /** another installation's bin/ (say Debian's /usr/lib/postgresql/15/bin), for its extensions */
  binDir?: string;
  /**
   * Shut the server down (fast) when the process that started it dies, even by kill -9, so a
   * killed supervisor leaves no orphaned datastore (Linux, through util-linux's `setpriv
   * --pdeathsig`; without it, the next start stops the orphan).
   */
  dieWithParent?: boolean;
}

const SETPRIV = '/usr/bin/setpriv';

/** The postmaster's command, under `setpriv --pdeathsig INT` when it should die with us. */
function serverCommand(
  postgres: string,
  args: string[],
  dieWithParent: boolean,
): { command: string; args: string[] } {
  if (!dieWithParent || process.platform !== 'linux' || !existsSync(SETPRIV)) {
    return { command: postgres, args };
  }
  // SIGINT is PostgreSQL's fast shutdown; setpriv sets it after the spawn's change of user
  // (a change of credentials clears it) and execs the server, which keeps it and the pid.
  return { command: SETPRIV, args: ['--pdeathsig', 'INT', '--', postgres, ...args] };
}

export interface EmbeddedServer {
  major: Major;
  version: string;
  port: number;
  pid: number;
  /** connection string for `database` as the superuser */
  url(database?: string): string;
  stop(): Promise<void>;
  /** settles when the postmaster exits, whoever made it */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class EmbeddedStartError extends Error {
  constructor(
    message: string,
    readonly log: string,
    /** set when the folder itself is the problem, whatever the log says */
    readonly damaged = false,
  ) {
    super(message);
    this.name = 'EmbeddedStartError';
  }
}

const SUPERUSER = 'postgres';
// The server gets a minimal environment: none of our secrets, and stable messages.
// Typed as ProcessEnv: Next's types make NODE_ENV required there.
const SERVER_ENV = { LC_ALL: 'C', LANG: 'C' } as unknown as NodeJS.ProcessEnv;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function runToEnd(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    child.on('error', (err) => resolve({ code: -1, output: output + String(err) }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function prepareDataDir(dataDir: string, osUser: OsUser | null): Promise<void> {
  const parent = path.dirname(path.resolve(dataDir));
  await mkdir(parent, { recursive: true });
  if (osUser) {
    const blocked = unreachableAncestor(osUser, parent);
    if (blocked) {
      throw new EmbeddedStartError(
        `PostgreSQL runs as the OS user "postgres" when pgvigil runs as root, and it cannot enter ${blocked}. ` +
          `Make that folder traversable (chmod o+x ${blocked}) or set PGVIGIL_HOME to a folder it can reach, such as /var/lib/pgvigil.`,
        '',
      );
    }
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (osUser) await chown(dataDir, osUser.uid, osUser.gid);
  await chmod(dataDir, 0o700);
}

async function initdb(
  initdbPath: string,
  dataDir: string,
  password: string,
  osUser: OsUser | null,
  dataChecksums: boolean,
): Promise<void> {
  const pwfile = path.join(dataDir, '..', `.pwfile-${process.pid}-${Date.now()}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (osUser) await chown(pwfile, osUser.uid, osUser.gid);
  try {
    const child = spawn(
      initdbPath,
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        ...(dataChecksums ? ['--data-checksums'] : []),
      ],
      {
        ...(osUser ? { uid: osUser.uid, gid: osUser.gid } : {}),
        env: SERVER_ENV,
      },
    );
    const { code, output } = await runToEnd(child);
    if (code !== 0) throw new EmbeddedStartError(`initdb failed with exit code ${code}`, output);
  } finally {
    await rm(pwfile, { force: true });
  }
}

async function dataDirMajor(dataDir: string): Promise<number | null> {
  const text = await readFile(path.join(dataDir, 'PG_VERSION'), 'utf8').catch(() => null);
  return text === null ? null : Number(text.trim());
}

/**
 * Ready when the postmaster we started says so in its postmaster.pid: its pid on the
 * first line and `ready` on the eighth (PostgreSQL 10+ writes it once it accepts
 * connections, after any crash recovery). No client library: `npm start`'s supervisor
 * keeps the datastore running and loads no PostgreSQL driver (docs/performance.md).
 */
async function waitUntilReady(
  dataDir: string,
  child: ChildProcess,
  log: () => string,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  // 'close', not 'exit': by then the last log lines (the reason) have been read
  child.once('close', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new EmbeddedStartError('PostgreSQL exited during start-up', log());
    const lines = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').then(
      (text) => text.split('\n'),
      () => [],
    );
    if (Number(lines[0]) === child.pid && lines[7]?.trim() === 'ready') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new EmbeddedStartError(
    `PostgreSQL did not accept connections within ${timeoutMs} ms`,
    log(),
  );
}

function settingFlags(settings: Record<string, string | number>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

/** Starts a real PostgreSQL server (initialising the data folder the first time). */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const major = options.major ?? DEFAULT_MAJOR;
  const osUser = serverOsUser();
  const binaries = options.binDir
    ? {
        version: `${major} (${options.binDir})`,
        initdb: path.join(options.binDir, 'initdb'),
        postgres: path.join(options.binDir, 'postgres'),
      }
    : await resolveBinaries(major, osUser);
  const dataDir = path.resolve(options.dataDir);
  await prepareDataDir(dataDir, osUser);

  const existing = await dataDirMajor(dataDir);
  if (existing === null && options.initialise === false) {
    throw new EmbeddedStartError(
      `The data folder ${dataDir} holds no PostgreSQL data any more (PG_VERSION is missing).`,
      '',
      true,
    );
  }
  if (existing === null) {
    await initdb(
      binaries.initdb,
      dataDir,
      options.superuserPassword,
      osUser,
      options.dataChecksums ?? false,
    );
  } else if (existing !== major) {
    throw new EmbeddedStartError(
      `The data folder ${dataDir} holds PostgreSQL ${existing} data, but this server is PostgreSQL ${major}.`,
      '',
    );
  }

  const port = options.port || (await freePort());
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    logging_collector: 'off',
    ...options.settings,
  };
  const command = serverCommand(
    binaries.postgres,
    ['-D', dataDir, '-p', String(port), ...settingFlags(settings)],
    options.dieWithParent ?? false,
  );
  const child = spawn(command.command, command.args, {
    ...(osUser ? { uid: osUser.uid, gid: osUser.gid } : {}),
    env: SERVER_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    log = (log + text).slice(-20_000);
    for (const line of text.split('\n')) if (line.trim()) options.onLog?.(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  // An unhandled spawn error would kill the whole process; it surfaces in waitUntilReady instead.
  child.on('error', (err) => (log += `\n${String(err)}`));

  const url = (database = 'postgres') =>
    `postgresql://${SUPERUSER}:${encodeURIComponent(options.superuserPassword)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT'); // fast shutdown: rolls back open transactions, checkpoints, exits
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntilReady(dataDir, child, () => log, options.startTimeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { major, version: binaries.version, port, pid: child.pid ?? -1, url, stop, exited };
}

/** True when the data folder's postmaster.pid names a live process. */
export async function postmasterRunning(dataDir: string): Promise<number | null> {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  const pid = text ? Number(text.split('\n')[0]) : NaN;
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

export async function isInitialised(dataDir: string): Promise<boolean> {
  return stat(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}
