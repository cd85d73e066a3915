import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PGBOUNCER_USERS,
  serverUrl,
  startPgbouncer,
  testMajors,
  type TestPgbouncer,
} from '@pgvigil/db/testing';
import {
  classifyConnectionError,
  connectionSettingsSchema,
  connectTarget,
  POOLER_PROBES,
  pgbouncerPools,
  runPoolerProbe,
  testConnection,
  type ConnectionSettingsInput,
} from '@pgvigil/probes';

/** A real PgBouncer (pool size 2) in front of the run's newest PostgreSQL. */
const major = testMajors()[testMajors().length - 1] ?? 18;
let bouncer: TestPgbouncer;

const settings = (over: Partial<ConnectionSettingsInput> = {}) =>
  connectionSettingsSchema.parse({
    host: '127.0.0.1',
    port: bouncer.port,
    dbname: 'pgbouncer',
    user: PGBOUNCER_USERS.stats.user,
    password: PGBOUNCER_USERS.stats.password,
    sslmode: 'disable',
    ...over,
  });

beforeAll(async () => {
  bouncer = await startPgbouncer({
    serverUrl: serverUrl(major),
    settings: { default_pool_size: 2, max_client_conn: 20, pool_mode: 'transaction' },
  });
});
afterAll(() => bouncer?.stop());

describe('connecting to a PgBouncer admin console', () => {
  // On main: a pooler got PostgreSQL's startup parameters (statement_timeout...) and the
  // version query, and every connection failed with "unsupported startup parameter".
  it('connects as a stats user and reads every SHOW the probes use', async () => {
    const result = await testConnection(settings(), { pooler: true });
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^PgBouncer/) });
    expect(result.serverVersionNum).toBeGreaterThanOrEqual(11800);
    expect(result.checks).toEqual([expect.objectContaining({ status: 'ok' })]);
  });

  it.each([
    [
      'pooler_not_allowed',
      { user: 'app', password: PGBOUNCER_USERS.client.password },
      'stats_users',
    ],
    ['pooler_wrong_database', { dbname: 'postgres' }, 'pgbouncer'],
    ['password_failed', { password: 'wrong' }, 'auth_file'],
  ] as const)('classifies %s with its fix', async (code, over, fixMentions) => {
    const result = await testConnection(settings(over), { pooler: true });
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe(code);
    expect(result.error?.fix).toContain(fixMentions);
  });

  it('explains a refused startup parameter with ignore_startup_parameters', async () => {
    // What a driver sending PostgreSQL-only parameters meets (here statement_timeout).
    const client = new pg.Client({
      connectionString: bouncer.adminUrl(),
      statement_timeout: 1000,
    });
    const err = await client.connect().then(
      () => null,
      (e: unknown) => e,
    );
    await client.end().catch(() => undefined);
    const failure = classifyConnectionError(err, {
      host: '127.0.0.1',
      port: bouncer.port,
      dbname: 'pgbouncer',
      user: PGBOUNCER_USERS.stats.user,
      passwordGiven: true,
      usedSsl: false,
      pooler: true,
    });
    expect(failure.code).toBe('pooler_startup_parameter');
    expect(failure.fix).toContain('ignore_startup_parameters');
  });

  it('says the pooler is down when nothing listens', async () => {
    const down = await startPgbouncer({ serverUrl: serverUrl(major) });
    const s = settings({ port: down.port });
    await down.stop();
    const result = await connectTarget(s, { pooler: true });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.failure.code).toBe('connection_refused');
      expect(result.failure.cause).toContain('PgBouncer');
    }
  });
});

describe('pooler probes', () => {
  it('every probe runs with the simple query protocol and returns typed rows', async () => {
    const conn = await connectTarget(settings(), { pooler: true });
    if (!conn.ok) throw new Error(conn.failure.cause);
    const client = conn.connection.client;
    try {
      for (const probe of POOLER_PROBES) {
        const result = await runPoolerProbe(client, probe);
        expect(result, probe.name).toMatchObject({ status: 'ok' });
        if (result.status !== 'ok') continue;
        // no traffic yet: pools, stats, clients and servers may be empty
        if (['connectivity', 'databases', 'config', 'lists', 'mem'].includes(probe.name.slice(10)))
          expect(result.rows.length, probe.name).toBeGreaterThan(0);
        for (const row of result.rows)
          expect(Object.keys(row).sort()).toEqual(probe.columns.map((c) => c.name).sort());
      }
    } finally {
      await client.end();
    }
  });

  it('sees clients queue behind a saturated pool, then drain', async () => {
    const conn = await connectTarget(settings(), { pooler: true });
    if (!conn.ok) throw new Error(conn.failure.cause);
    const admin = conn.connection.client;
    const direct = new pg.Client({ connectionString: serverUrl(major) });
    await direct.connect();
    const clients = Array.from({ length: 4 }, () => new pg.Client(bouncer.clientUrl()));
    try {
      await Promise.all(clients.map((c) => c.connect()));
      // Two sleepers hold both server connections (seen running on the server first, so a
      // quick query cannot take a server connection before them); two more queue behind them.
      const sleepers = clients
        .slice(0, 2)
        .map((c) => c.query('SELECT pg_sleep(30)').catch((e: unknown) => e));
      for (let i = 0; i < 400; i++) {
        const { rows } = await direct.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'",
        );
        if (rows[0]!.n >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const running = [
        ...sleepers,
        ...clients.slice(2).map((c) => c.query('SELECT 1').catch((e: unknown) => e)),
      ];
      let pool: Record<string, unknown> | undefined;
      for (let i = 0; i < 200; i++) {
        const r = await runPoolerProbe(admin, pgbouncerPools);
        pool = r.status === 'ok' ? r.rows.find((x) => x.pool_db === 'app') : undefined;
        // PgBouncer reads its clock once per event-loop turn: a wait just begun can read 0
        const waited = Number(pool?.maxwait_seconds) > 0;
        if (Number(pool?.cl_waiting) >= 2 && Number(pool?.sv_active) >= 2 && waited) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(pool).toMatchObject({
        pool_user: 'postgres', // the database's forced user
        cl_waiting: 2,
        sv_active: 2,
        pool_size: 2,
        utilisation_pct: 100,
      });
      expect(Number(pool?.maxwait_seconds)).toBeGreaterThan(0);
      // The sleepers end (cancelled on the server): the queue drains.
      await direct.query(
        "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'",
      );
      await Promise.all(running);
      const after = await runPoolerProbe(admin, pgbouncerPools);
      expect(after.status === 'ok' && after.rows.find((x) => x.pool_db === 'app')).toMatchObject({
        cl_waiting: 0,
        maxwait_seconds: 0,
      });
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await direct.end();
      await admin.end();
    }
  });
});
