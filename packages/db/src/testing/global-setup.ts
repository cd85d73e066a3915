import type { TestProject } from 'vitest/node';
import { startTestServers, testMajorsFromEnv } from './servers';

declare module 'vitest' {
  export interface ProvidedContext {
    /** major -> superuser connection string of that run's throwaway server */
    pgvigilServers: Record<string, string>;
  }
}

/** Vitest global setup: one server per major for the whole run, reused by every test file. */
export default async function setup(project: TestProject) {
  const majors = testMajorsFromEnv();
  const cluster = await startTestServers(majors);
  const urls: Record<string, string> = {};
  for (const [major, server] of cluster.servers) urls[major] = server.url();
  project.provide('pgvigilServers', urls);
  console.log(
    `PostgreSQL test servers: ${[...cluster.servers.values()].map((s) => `${s.major} (${s.version})`).join(', ')}`,
  );
  return () => cluster.stop();
}
