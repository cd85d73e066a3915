// The datastore the admin CLI works on: DATABASE_URL; else the embedded datastore of
// a pgvigil running on PGVIGIL_HOME (found through its postmaster.pid, while it keeps
// running); else the embedded datastore started for the command and stopped after.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createDb, type Db } from '@pgvigil/db';
import { postmasterRunning } from '@pgvigil/db/embedded';
import { openDatastore } from '../lib/datastore';
import type { PlatformEnv } from '../lib/env';
import { HomeInUseError, lockHome } from '../lib/home-lock';

export interface CliDatastore {
  db: Db;
  /** where it is, for messages: never the password */
  where: string;
  /** its address (for the datastore verbs, which need sessions of their own) */
  url: string;
  /** a running pgvigil serves from it (the embedded one, found through postmaster.pid) */
  inUse: boolean;
  close(): Promise<void>;
}

async function embeddedDataDir(home: string): Promise<string> {
  const moved = await readFile(path.join(home, 'pgdata.location'), 'utf8').catch(() => null);
  return moved?.trim() || path.join(home, 'pgdata');
}

/** The running embedded datastore's address, from its postmaster.pid (4th line: the port). */
async function runningEmbeddedUrl(home: string): Promise<string | null> {
  const dataDir = await embeddedDataDir(home);
  if (!(await postmasterRunning(dataDir))) return null;
  const pidFile = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  const port = Number(pidFile.split('\n')[3]);
  const password = (await readFile(path.join(home, 'datastore.password'), 'utf8')).trim();
  if (!Number.isInteger(port) || port <= 0 || !password) return null;
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/pgvigil`;
}

export async function openCliDatastore(env: PlatformEnv): Promise<CliDatastore> {
  const connect = (url: string) => createDb({ url, applicationName: 'pgvigil-cli', max: 2 });
  if (env.DATABASE_URL) {
    const db = connect(env.DATABASE_URL);
    return {
      db,
      where: 'DATABASE_URL',
      url: env.DATABASE_URL,
      inUse: false,
      close: () => db.close(),
    };
  }
  let lock;
  try {
    lock = await lockHome(env.home);
  } catch (err) {
    if (!(err instanceof HomeInUseError)) throw err;
    // pgvigil is running: work on its datastore while it keeps serving
    const url = await runningEmbeddedUrl(env.home);
    if (!url) throw new Error(`${err.message} Its datastore is not accepting connections yet.`);
    const db = connect(url);
    return {
      db,
      where: `the running pgvigil's datastore (${env.home})`,
      url,
      inUse: true,
      close: () => db.close(),
    };
  }
  const datastore = await openDatastore({
    databaseUrl: undefined,
    home: env.home,
    recoveredStale: lock.recoveredStale,
    log: () => undefined,
  }).catch(async (err: unknown) => {
    await lock.release();
    throw err;
  });
  const db = connect(datastore.url);
  return {
    db,
    where: `the embedded datastore in ${env.home}`,
    url: datastore.url,
    inUse: false,
    close: async () => {
      await db.close();
      await datastore.stop();
      await lock.release();
    },
  };
}
