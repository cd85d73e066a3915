import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbedded, type EmbeddedServer } from '../embedded/index';
import { TEST_PASSWORD, TEST_SERVER_SETTINGS } from './servers';

/** Debian's PostgreSQL 15, for the extensions Debian packages for it and npm's binaries lack. */
export const DEBIAN_PG15_BIN = '/usr/lib/postgresql/15/bin';
const LIB = '/usr/lib/postgresql/15/lib';

/** Debian package -> the library it installs: what the extension tests load. */
export const DEBIAN_PG15_EXTENSIONS = {
  'postgresql-15-hypopg': 'hypopg',
  'postgresql-15-pg-stat-kcache': 'pg_stat_kcache',
  'postgresql-15-pg-wait-sampling': 'pg_wait_sampling',
  'postgresql-15-pg-qualstats': 'pg_qualstats',
} as const;

/** The Debian packages still to install (npm test and .ci/run install them as root). */
export function missingDebianPg15(): string[] {
  const missing = existsSync(path.join(DEBIAN_PG15_BIN, 'postgres')) ? [] : ['postgresql-15'];
  for (const [pkg, lib] of Object.entries(DEBIAN_PG15_EXTENSIONS))
    if (!existsSync(path.join(LIB, `${lib}.so`))) missing.push(pkg);
  return missing;
}

export interface DebianPg15 {
  server: EmbeddedServer;
  stop(): Promise<void>;
}

/**
 * A throwaway Debian PostgreSQL 15 on a free loopback port with pg_stat_statements,
 * pg_stat_kcache, pg_wait_sampling and pg_qualstats preloaded (hypopg needs no preload).
 * One per test file: start it in beforeAll.
 */
export async function startDebianPg15(
  settings: Record<string, string | number> = {},
): Promise<DebianPg15> {
  const missing = missingDebianPg15();
  if (missing.length)
    throw new Error(
      `Debian's PostgreSQL 15 extensions are missing: apt-get install ${missing.join(' ')} (npm test installs them as root)`,
    );
  const root = await mkdtemp(path.join(tmpdir(), 'pgvigil-debian15-'));
  await chmod(root, 0o755); // the postgres OS user must enter it when the tests run as root
  try {
    const server = await startEmbedded({
      dataDir: path.join(root, 'pg15'),
      major: 15,
      binDir: DEBIAN_PG15_BIN,
      superuserPassword: TEST_PASSWORD,
      settings: {
        ...TEST_SERVER_SETTINGS,
        shared_preload_libraries: 'pg_stat_statements,pg_stat_kcache,pg_wait_sampling,pg_qualstats',
        'pg_qualstats.sample_rate': 1,
        ...settings,
      },
    });
    return {
      server,
      stop: async () => {
        await server.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}
