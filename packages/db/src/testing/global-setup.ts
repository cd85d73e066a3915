import type { TestProject } from 'vitest/node';
import { SUPPORTED_MAJORS } from '../embedded/index';
import { startTestServers, testMajorsFromEnv } from './servers';

declare module 'vitest' {
  export interface ProvidedContext {
    /** major -> superuser connection string of that run's throwaway server, every supported major */
    pgvigilServers: Record<string, string>;
    /** the majors the heavier integration suites run on (PGVIGIL_TEST_MAJORS, default 14 and 18) */
    pgvigilTestMajors: number[];
  }
}

/**
 * Vitest global setup: one server per supported major for the whole run, reused by every
 * test file. The probe suites run on all of them; the heavier suites on `pgvigilTestMajors`.
 */
export default async function setup(project: TestProject) {
  const majors = testMajorsFromEnv();
  const cluster = await startTestServers(SUPPORTED_MAJORS);
  const urls: Record<string, string> = {};
  for (const [major, server] of cluster.servers) urls[major] = server.url();
  project.provide('pgvigilServers', urls);
  project.provide('pgvigilTestMajors', majors);
  console.log(
    `PostgreSQL test servers: ${[...cluster.servers.values()].map((s) => `${s.major} (${s.version})`).join(', ')}; integration suites on ${majors.join(', ')}`,
  );
  return () => cluster.stop();
}
