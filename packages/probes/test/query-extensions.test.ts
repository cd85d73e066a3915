import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDebianPg15, type DebianPg15 } from '@pgvigil/db/testing';
import {
  checkPrerequisites,
  diffSnapshot,
  getProbe,
  runProbe,
  type DeltaSnapshot,
  type ProbeContext,
} from '../src/index';
import { probeSession } from './helpers';

// The real pg_stat_kcache and pg_wait_sampling (Debian's postgresql-15-* packages), preloaded
// by the harness: one server for the file.
describe('pg_stat_kcache and pg_wait_sampling probes on Debian PostgreSQL 15', () => {
  let pg15: DebianPg15;
  let client: pg.Client;
  let ctx: ProbeContext;
  const snapshots = new Map<string, DeltaSnapshot>();
  const T0 = Date.parse('2026-12-07T00:00:00Z');

  /** One collector run of a delta probe: its rows, diffed against the run before. */
  const run = async (name: string) => {
    const probe = getProbe(name)!;
    const result = await runProbe(client, probe, ctx);
    expect(result, name).toMatchObject({ status: 'ok' });
    if (result.status !== 'ok') return [];
    const at = new Date((snapshots.get(name)?.at.getTime() ?? T0) + 60_000); // one run a minute
    const diff = diffSnapshot(probe, snapshots.get(name), result.rows, at);
    snapshots.set(name, diff.snapshot);
    return diff.rows;
  };
  const queryid = async (like: string) =>
    (
      await client.query<{ queryid: string }>(
        `SELECT queryid::text FROM pg_stat_statements WHERE query LIKE $1`,
        [like],
      )
    ).rows[0]?.queryid;

  beforeAll(async () => {
    pg15 = await startDebianPg15();
    const setup = await probeSession(pg15.server.url());
    await setup.client.query(`CREATE EXTENSION pg_stat_statements;
      CREATE EXTENSION pg_stat_kcache; CREATE EXTENSION pg_wait_sampling;
      CREATE TABLE ledger (id int, note text)`);
    await setup.client.end();
    ({ client, ctx } = await probeSession(pg15.server.url())); // sees the extensions
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await pg15?.stop();
  });

  it('stores CPU time, real I/O, faults and context switches per statement as deltas', async () => {
    expect(await run('statements_kcache')).toEqual([]); // the baseline
    for (let i = 0; i < 3; i++)
      await client.query('SELECT count(*) FROM generate_series(1, 400000) g WHERE g % 7 = 3');
    await client.query(
      `INSERT INTO ledger SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g`,
    );
    const rows = await run('statements_kcache');
    const id = await queryid('SELECT count(*) FROM generate_series%');
    const row = rows.find((r) => r.queryid === id);
    expect(row).toMatchObject({
      toplevel: true,
      userid: expect.any(Number),
      dbid: expect.any(Number),
      interval_seconds: 60,
      reads: expect.any(Number),
      writes: expect.any(Number),
      minflts: expect.any(Number),
      majflts: expect.any(Number),
      nvcsws: expect.any(Number),
      nivcsws: expect.any(Number),
    });
    // three scans of 400,000 rows: milliseconds of CPU (kcache counts seconds; stored in ms)
    const cpu = (row!.user_time as number) + (row!.system_time as number);
    expect(cpu).toBeGreaterThan(1);
    expect(cpu).toBeLessThan(60_000);
    // every row is a statement pg_stat_statements tracks (the join), with its counters moved
    const insert = rows.find((r) => r.queryid === null || String(r.queryid) !== id);
    expect(insert, 'the INSERT ran too').toBeDefined();
    // a statement that did not run since is not stored again
    expect((await run('statements_kcache')).some((r) => r.queryid === id)).toBe(false);
  });

  it('stores what each statement waited on, and the server profile, safe across a reset', async () => {
    expect(await run('statement_waits')).toEqual([]); // the baselines
    expect(await run('wait_profile')).toEqual([]);
    await client.query('SELECT pg_sleep(0.3)');
    const sleep = await queryid('SELECT pg_sleep%');
    // the profile collector samples every 10 ms: 0.3 s of sleep is about 30 samples
    const waits = await run('statement_waits');
    const slept = waits.find((r) => r.queryid === sleep && r.event === 'PgSleep');
    expect(slept).toMatchObject({ event_type: 'Timeout', interval_seconds: 60 });
    expect(slept!.samples as number).toBeGreaterThan(10);
    expect(slept!.wait_time).toBe((slept!.samples as number) * 10);
    const profile = await run('wait_profile');
    const server = profile.find((r) => r.event === 'PgSleep');
    expect(server!.samples as number).toBeGreaterThanOrEqual(slept!.samples as number);
    // idle sessions and background loops are not work
    expect(profile.some((r) => r.event_type === 'Activity' || r.event === 'ClientRead')).toBe(
      false,
    );
    // a reset: counts start again from zero, never a negative delta
    await client.query('SELECT pg_wait_sampling_reset_profile()');
    await client.query('SELECT pg_sleep(0.1)');
    const after = await run('statement_waits');
    expect(after.every((r) => (r.samples as number) >= 0 && (r.wait_time as number) >= 0)).toBe(
      true,
    );
    const again = after.find((r) => r.queryid === sleep && r.event === 'PgSleep');
    expect(again!.samples as number).toBeGreaterThan(0);
    expect(again!.samples as number).toBeLessThan(slept!.samples as number);
  });

  it('the test-connection check says which query extension is missing and how to add it', async () => {
    const checks = await checkPrerequisites(client, ctx.serverVersion, ctx.database);
    expect(checks.find((c) => c.key === 'query_extensions')).toMatchObject({
      status: 'warning',
      detail:
        'pg_stat_kcache: version 2.2.1; pg_wait_sampling: version 1.1; pg_qualstats: available, not created; hypopg: available, not created',
      fix: '-- in database "postgres", as a superuser:\nCREATE EXTENSION pg_qualstats;\nCREATE EXTENSION hypopg;',
    });
  });
});

// The same extensions installed on a server that does not preload them: unavailable, with the fix.
describe('pg_stat_kcache and pg_wait_sampling not preloaded, on Debian PostgreSQL 15', () => {
  let pg15: DebianPg15;
  let client: pg.Client;
  let ctx: ProbeContext;

  beforeAll(async () => {
    pg15 = await startDebianPg15({ shared_preload_libraries: 'pg_stat_statements' });
    const setup = await probeSession(pg15.server.url());
    // pg_wait_sampling can be created without its library loaded; pg_stat_kcache refuses
    await setup.client.query(
      'CREATE EXTENSION pg_stat_statements; CREATE EXTENSION pg_wait_sampling',
    );
    await setup.client.end();
    ({ client, ctx } = await probeSession(pg15.server.url()));
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await pg15?.stop();
  });

  it('reports each probe unavailable with what to preload, never failed', async () => {
    const status = async (name: string) => {
      const r = await runProbe(client, getProbe(name)!, ctx);
      return r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`;
    };
    const preload =
      "unavailable: pg_wait_sampling is installed but not loaded: add it to shared_preload_libraries (ALTER SYSTEM SET shared_preload_libraries = '<current list>, pg_wait_sampling') and restart";
    expect(await status('statement_waits')).toBe(preload);
    expect(await status('wait_profile')).toBe(preload);
    expect(await status('statements_kcache')).toBe(
      'unavailable: extension pg_stat_kcache is not installed in database postgres: CREATE EXTENSION pg_stat_kcache; (it must be in shared_preload_libraries first)',
    );
    const checks = await checkPrerequisites(client, ctx.serverVersion, ctx.database);
    expect(checks.find((c) => c.key === 'query_extensions')?.detail).toBe(
      'pg_stat_kcache: not in shared_preload_libraries; pg_wait_sampling: not in shared_preload_libraries; pg_qualstats: not in shared_preload_libraries; hypopg: available, not created',
    );
  });
});
