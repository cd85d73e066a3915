import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  clearDatastoreState,
  writeDatastoreState,
  type DatastoreState,
  freePort,
  keepEmbedded,
  postmasterRunning,
  serverOsUser,
  unreachableAncestor,
  type KeeperStatus,
} from '@pgvigil/db/embedded';

export interface Datastore {
  url: string;
  /** embedded: the superuser's URL to its `postgres` database (the schema step creates ours) */
  adminUrl?: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const DATABASE = 'pgvigil';
// Refusals every client meets while the server starts or recovers: the keeper's own
// lines say what happens, these would drown them.
const EXPECTED_WHILE_RESTARTING =
  /the database system is (starting up|not yet accepting connections|in recovery mode|shutting down)|terminating connection due to unexpected postmaster exit/;

async function embeddedPassword(home: string): Promise<string> {
  const file = path.join(home, 'datastore.password');
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing) return existing.trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

/** A postmaster left behind by a pgvigil that was killed: we own the home now, so stop it. */
async function stopOrphan(dataDir: string, log: (line: string) => void): Promise<void> {
  const pid = await postmasterRunning(dataDir);
  if (!pid) return;
  log(`stopping the datastore left running by a previous pgvigil (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && (await postmasterRunning(dataDir)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user. When it cannot reach $PGVIGIL_HOME
 * (a clone under a 0700 folder such as /root), the data folder moves to /var/lib/pgvigil,
 * one per home, and a note in the home says where it is.
 */
async function dataDirFor(home: string, log: (line: string) => void): Promise<string> {
  const inHome = path.join(home, 'pgdata');
  const osUser = serverOsUser();
  const blocked = osUser ? unreachableAncestor(osUser, home) : null;
  if (!blocked) return inHome;
  const id = createHash('sha256').update(home).digest('hex').slice(0, 12);
  const dataDir = path.join('/var/lib/pgvigil', id, 'pgdata');
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  await writeFile(path.join(home, 'pgdata.location'), `${dataDir}\n`);
  log(`the postgres OS user cannot enter ${blocked}, so the datastore lives in ${dataDir}`);
  return dataDir;
}

/** Writes the keeper's status for the web app, in order, one write at a time. */
function statusWriter(home: string, log: (line: string) => void) {
  let queue = Promise.resolve();
  const write = (status: KeeperStatus) => {
    const state: DatastoreState = {
      supervisorPid: process.pid,
      state: status.state,
      downSince: status.downSince,
      attempt: status.attempt,
      restarts: status.restarts,
      lastExit: status.lastExit,
      lastError: status.lastError,
      nextAttemptAt: status.nextAttemptAt,
      advice: status.advice,
      updatedAt: new Date().toISOString(),
    };
    queue = queue
      .then(() => writeDatastoreState(home, state))
      .catch((err: unknown) => log(`cannot record the datastore's state: ${String(err)}`));
  };
  return { write, settled: () => queue };
}

/**
 * The configured datastore, or an embedded PostgreSQL under $PGVIGIL_HOME/pgdata,
 * kept running: restarted when it exits unexpectedly (see keepEmbedded).
 */
export async function openDatastore(options: {
  databaseUrl: string | undefined;
  home: string;
  recoveredStale: boolean;
  log: (line: string) => void;
}): Promise<Datastore> {
  await clearDatastoreState(options.home);
  if (options.databaseUrl) {
    return { url: options.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const dataDir = await dataDirFor(options.home, options.log);
  if (options.recoveredStale) await stopOrphan(dataDir, options.log);
  const password = await embeddedPassword(options.home);
  const states = statusWriter(options.home, options.log);
  const keeper = await keepEmbedded({
    dataDir,
    port: await freePort(),
    superuserPassword: password,
    settings: { max_connections: 100, shared_buffers: '128MB' },
    dieWithParent: true, // a supervisor killed with -9 takes its datastore with it
    onLog: (line) => {
      if (/ERROR|FATAL|PANIC/.test(line) && !EXPECTED_WHILE_RESTARTING.test(line)) {
        options.log(line);
      }
    },
    log: options.log,
    onStatus: states.write,
  });
  options.log(
    `embedded PostgreSQL ${keeper.server.version} on 127.0.0.1:${keeper.server.port}, data in ${dataDir}`,
  );
  return {
    url: keeper.url(DATABASE),
    adminUrl: keeper.url(),
    embedded: true,
    async stop() {
      await keeper.stop();
      await states.settled();
      await clearDatastoreState(options.home);
    },
  };
}
