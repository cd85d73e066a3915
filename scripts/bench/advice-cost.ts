// The index advisor's cost on the monitored server, for cycle-cost.ts: one pass of
// adviseMissingIndexes over the top statements of the fixture's database, which the collector
// runs after plan capture, at most once an hour per statement.
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { missingDebianPg15, startDebianPg15 } from '@pgvigil/db/testing';
import {
  adviseMissingIndexes,
  PLAN_TOP_N,
  planRefusal,
  statementPredicates,
} from '@pgvigil/probes';
import { serverCpuMs } from './lib';

// A table the advisor has something to say about: 100,000 rows read by sequential scans
// through filters on unindexed columns. Created after the cycle and the exporter were
// measured, so their figures stay those of the plain fixture.
const WORKLOAD = `
CREATE TABLE wide (id int PRIMARY KEY, a int NOT NULL, b int NOT NULL, c text);
INSERT INTO wide SELECT g, g % 5000, g % 100, 'x' FROM generate_series(1, 100000) g;
ANALYZE wide;`;

export interface AdviceCost {
  statements: number;
  candidates: number;
  verified: number;
  /** wall time of the pass: every round trip, an upper bound of the server's time */
  wallMs: number;
  /** utime + stime of every server process during the pass */
  cpuMs: number;
}

/**
 * One advisor pass on `client` (a session in the fixture's database) over what plan capture
 * would queue: the statements on `wide`, then the fixture's top statements (`top`, read before
 * the cycle measurement reset pg_stat_statements), PLAN_TOP_N in all.
 */
export async function benchAdvice(
  client: pg.Client,
  postmaster: number,
  top: readonly { queryid: string; text: string }[] = [],
): Promise<AdviceCost> {
  await client.query(WORKLOAD);
  for (let i = 0; i < 5; i++) {
    await client.query(`SELECT /* bench */ * FROM wide WHERE a = ${i}`);
    await client.query(`SELECT /* bench */ count(*) FROM wide WHERE b = ${i} AND a > 10`);
  }
  await client.query('SELECT pg_stat_force_next_flush()');
  const workload = await client.query<{ queryid: string; query: string }>(
    `SELECT queryid::text, query FROM pg_stat_statements WHERE query LIKE 'SELECT /* bench */%'`,
  );
  // what plan capture queues for the advisor: statements it could plan on 16+ (the advisor
  // plans $n ones through PREPARE on every major)
  const statements = [
    ...workload.rows.map((r) => ({ queryid: r.queryid, text: r.query })),
    ...top.filter((s) => planRefusal(s.text, 160000) === null),
  ].slice(0, PLAN_TOP_N);
  await statementPredicates('SELECT 1'); // the collector loaded the parser (WebAssembly) long ago
  const cpu0 = await serverCpuMs(postmaster);
  const start = performance.now();
  const r = await adviseMissingIndexes(client, statements);
  const wallMs = performance.now() - start;
  const cpuMs = (await serverCpuMs(postmaster)) - cpu0;
  return {
    statements: statements.length,
    candidates: r.candidates.length,
    verified: r.candidates.filter((c) => c.verified).length,
    wallMs,
    cpuMs,
  };
}

/**
 * The same pass where every candidate is proven: Debian's PostgreSQL 15 with hypopg and
 * pg_qualstats (two EXPLAINs and a hypothetical index per candidate, the qualstats read).
 * Null when Debian's packages are not installed.
 */
export async function benchAdviceVerified(): Promise<AdviceCost | null> {
  if (missingDebianPg15().length > 0) return null;
  const pg15 = await startDebianPg15();
  const client = new pg.Client({
    connectionString: pg15.server.url(),
    application_name: 'pgvigil',
  });
  try {
    await client.connect();
    await client.query(`CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg;
      CREATE EXTENSION pg_qualstats`);
    const dir = (await client.query('SHOW data_directory')).rows[0].data_directory as string;
    const postmaster = Number((await readFile(`${dir}/postmaster.pid`, 'utf8')).split('\n')[0]);
    return await benchAdvice(client, postmaster);
  } finally {
    await client.end().catch(() => undefined);
    await pg15.stop();
  }
}
