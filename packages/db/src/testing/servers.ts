import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  SUPPORTED_MAJORS,
  type Major,
  startEmbedded,
  type EmbeddedServer,
} from '../embedded/index';

export const TEST_PASSWORD = 'pgvigil-test';

/** Settings every throwaway server gets: statements tracked, durability traded for speed. */
export const TEST_SERVER_SETTINGS = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'all',
  track_io_timing: 'on',
  track_functions: 'all',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: 200,
  wal_level: 'logical',
  max_wal_senders: 10,
  max_replication_slots: 10,
} as const;

/** Majors under test: PGVIGIL_TEST_MAJORS=14,15,16,17,18, default the oldest and newest. */
export function testMajorsFromEnv(value = process.env.PGVIGIL_TEST_MAJORS): Major[] {
  if (!value) return [14, 18];
  const majors = value.split(',').map((m) => Number(m.trim()));
  const bad = majors.filter((m) => !SUPPORTED_MAJORS.includes(m as Major));
  if (bad.length) {
    throw new Error(
      `PGVIGIL_TEST_MAJORS lists unsupported majors ${bad.join(', ')}; choose from ${SUPPORTED_MAJORS.join(', ')}.`,
    );
  }
  return majors as Major[];
}

export interface TestCluster {
  root: string;
  servers: Map<Major, EmbeddedServer>;
  stop(): Promise<void>;
}

/** Starts one throwaway server per major in a temporary folder the postgres OS user can reach. */
export async function startTestServers(
  majors: readonly Major[],
  settings: Record<string, string | number> = {},
  options: { dataChecksums?: boolean } = {},
): Promise<TestCluster> {
  const root = await mkdtemp(path.join(tmpdir(), 'pgvigil-test-'));
  await chmod(root, 0o755); // mkdtemp makes 0700, which the postgres OS user cannot enter
  const servers = new Map<Major, EmbeddedServer>();
  const stop = async () => {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    await rm(root, { recursive: true, force: true });
  };
  try {
    const started = await Promise.all(
      majors.map((major) =>
        startEmbedded({
          dataDir: path.join(root, `pg${major}`),
          major,
          superuserPassword: TEST_PASSWORD,
          settings: { ...TEST_SERVER_SETTINGS, ...settings },
          ...options,
        }),
      ),
    );
    started.forEach((server) => servers.set(server.major, server));
  } catch (err) {
    await stop();
    throw err;
  }
  return { root, servers, stop };
}
