import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../client';
import type { Major } from '../embedded/index';
import { migrate } from '../migrate';
// Loads the ProvidedContext augmentation for every package whose tests import this module.
import type {} from './global-setup';

export {
  startTestServers,
  testMajorsFromEnv,
  TEST_PASSWORD,
  TEST_SERVER_SETTINGS,
  type TestCluster,
} from './servers';
export {
  spockStandIn,
  systemStatsStandIn,
  SYSTEM_STATS_OLD_STAND_IN,
  STAND_IN_EXTENSIONS,
  type HostStandIn,
} from './extension-stand-ins';
export { startStandby } from './standby';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
export { startSshd, type TestSshd } from './sshd';
export {
  mountSmallFilesystem,
  smallFilesystemUnavailable,
  tablespaceOn,
  type SmallFilesystem,
} from './small-filesystem';

/** The majors the integration suites run on (PGVIGIL_TEST_MAJORS, default 14 and 18), for `describe.each`. */
export function testMajors(): Major[] {
  return inject('pgvigilTestMajors') as Major[];
}

/** Every supported major: the probe suites (SQL variants, lock budget) run on all of them. */
export function allMajors(): Major[] {
  return Object.keys(inject('pgvigilServers')).map(Number) as Major[];
}

export function serverUrl(major: Major, database = 'postgres'): string {
  const base = inject('pgvigilServers')[major];
  if (!base) throw new Error(`No PostgreSQL ${major} server in this run.`);
  const url = new URL(base);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function admin<T>(major: Major, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl(major) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the `major` server, for one test. */
export async function freshDatabase(major: Major, prefix = 't'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(major, (c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: serverUrl(major, name),
    drop: () =>
      admin(major, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

export interface TestDatastore extends TestDatabase {
  db: Db;
}

/** A fresh database with every pgvigil migration applied, and a pool on it. */
export async function freshDatastore(major: Major): Promise<TestDatastore> {
  const database = await freshDatabase(major, 'ds');
  const db = createDb({ url: database.url, applicationName: 'pgvigil-test' });
  await migrate(db);
  return {
    ...database,
    db,
    drop: async () => {
      await db.close();
      await database.drop();
    },
  };
}
export {
  startDebianPg15,
  missingDebianPg15,
  DEBIAN_PG15_BIN,
  DEBIAN_PG15_EXTENSIONS,
  type DebianPg15,
} from './debian-pg15';
