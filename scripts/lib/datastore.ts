import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { postmasterRunning, startEmbedded } from '@pgvigil/db/embedded';

export interface Datastore {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const DATABASE = 'pgvigil';

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

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** The configured datastore, or an embedded PostgreSQL under $PGVIGIL_HOME/pgdata. */
export async function openDatastore(options: {
  databaseUrl: string | undefined;
  home: string;
  recoveredStale: boolean;
  log: (line: string) => void;
}): Promise<Datastore> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const dataDir = path.join(options.home, 'pgdata');
  if (options.recoveredStale) await stopOrphan(dataDir, options.log);
  const password = await embeddedPassword(options.home);
  const server = await startEmbedded({
    dataDir,
    superuserPassword: password,
    settings: { max_connections: 100, shared_buffers: '128MB' },
    onLog: (line) => {
      if (/ERROR|FATAL|PANIC/.test(line)) options.log(line);
    },
  });
  await ensureDatabase(server.url());
  options.log(
    `embedded PostgreSQL ${server.version} on 127.0.0.1:${server.port}, data in ${dataDir}`,
  );
  return { url: server.url(DATABASE), embedded: true, stop: server.stop };
}
