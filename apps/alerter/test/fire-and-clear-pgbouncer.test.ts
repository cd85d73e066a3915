import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import { ensureMetricTable, writeSamples } from '@pgvigil/db/metrics';
import { createServer } from '@pgvigil/db/registry';
import {
  freshDatastore,
  PGBOUNCER_USERS,
  serverUrl,
  startPgbouncer,
  testMajors,
  type TestDatastore,
  type TestPgbouncer,
} from '@pgvigil/db/testing';
import { syncCatalog } from '@pgvigil/alerting';
import {
  connectionSettingsSchema,
  connectTarget,
  POOLER_PROBES,
  pgbouncerConnectivity,
  pgbouncerPools,
  runPoolerProbe,
} from '@pgvigil/probes';
import { runCycle } from '../src/cycle/run';
import { box, until } from './fixtures';

/**
 * Fire and clear of the pooler rules against a real PgBouncer (pool size 2) in front of
 * the run's PostgreSQL, loaded by real clients: the test is the collector, running the
 * pooler probes at a synthetic time, then one evaluation cycle per step.
 */
const major = testMajors().at(-1)!;
const SLEEP = 'SELECT pg_sleep(60)';
const POOLED_DB = 'pgvigil_pooled';

/** A superuser session on the server behind the pooler, for one statement. */
async function direct<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl(major) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('PgBouncer rules fire and clear', () => {
  let ds: TestDatastore;
  let bouncer: TestPgbouncer;
  let poolerId: number;
  let at = new Date();
  const clients: pg.Client[] = [];

  const admin = () =>
    connectionSettingsSchema.parse({
      host: '127.0.0.1',
      port: bouncer.port,
      dbname: 'pgbouncer',
      user: PGBOUNCER_USERS.stats.user,
      password: PGBOUNCER_USERS.stats.password,
      sslmode: 'disable',
    });

  /** The collector's part: every pooler probe, or the down row when the console is gone. */
  async function collect() {
    const conn = await connectTarget(admin(), { pooler: true, timeoutMs: 5_000 });
    const write = (probe: (typeof POOLER_PROBES)[number], rows: Record<string, unknown>[]) =>
      writeSamples(ds.db, [
        { spec: probe, samples: [{ collectedAt: at, serverId: poolerId, rows }] },
      ]);
    if (!conn.ok) {
      await write(pgbouncerConnectivity, [
        { up: false, rtt_ms: null, version: null, error_code: conn.failure.code },
      ]);
      return;
    }
    try {
      for (const probe of POOLER_PROBES) {
        const result = await runPoolerProbe(conn.connection.client, probe);
        if (result.status !== 'ok') throw new Error(`${probe.name}: ${result.reason}`);
        await write(probe, result.rows);
      }
    } finally {
      await conn.connection.client.end();
    }
  }

  async function step(seconds = 60) {
    at = new Date(at.getTime() + seconds * 1000);
    await collect();
    await runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });
  }

  async function state(key: string): Promise<string> {
    const rule = (await listRules(ds.db)).find((r) => r.key === key)!;
    const alerts = await listAlerts(ds.db, { serverId: poolerId, ruleId: rule.id });
    return alerts[0]?.state ?? 'none';
  }

  async function tune(key: string, t: { warning?: number | null; critical?: number | null } = {}) {
    const rule = (await listRules(ds.db)).find((r) => r.key === key)!;
    await updateRule(ds.db, { id: rule.id, forSeconds: 0, ...t });
  }

  async function connectClients(n: number, database = 'app'): Promise<pg.Client[]> {
    const opened = Array.from({ length: n }, () => new pg.Client(bouncer.clientUrl(database)));
    for (const c of opened) c.on('error', () => undefined);
    await Promise.all(opened.map((c) => c.connect()));
    clients.push(...opened);
    return opened;
  }

  async function pool(database: string) {
    const conn = await connectTarget(admin(), { pooler: true });
    if (!conn.ok) throw new Error(conn.failure.cause);
    try {
      const r = await runPoolerProbe(conn.connection.client, pgbouncerPools);
      return r.status === 'ok' ? r.rows.find((x) => x.pool_db === database) : undefined;
    } finally {
      await conn.connection.client.end();
    }
  }

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    for (const probe of POOLER_PROBES) await ensureMetricTable(ds.db, probe, at);
    await direct((c) => c.query(`CREATE DATABASE ${POOLED_DB}`));
    bouncer = await startPgbouncer({
      serverUrl: serverUrl(major),
      databases: { app: 'postgres', other: POOLED_DB },
      settings: {
        default_pool_size: 2,
        max_client_conn: 50,
        pool_mode: 'transaction',
        server_login_retry: 1,
      },
    });
    poolerId = (
      await createServer(ds.db, box, {
        name: 'bouncer',
        kind: 'pgbouncer',
        host: '127.0.0.1',
        port: bouncer.port,
        username: PGBOUNCER_USERS.stats.user,
        password: PGBOUNCER_USERS.stats.password,
        sslmode: 'disable',
      })
    ).id;
    await recordHeartbeat(ds.db, {
      component: 'collector',
      instanceId: 'test',
      startedAt: new Date(),
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await bouncer?.stop();
    await direct((c) => c.query(`DROP DATABASE IF EXISTS ${POOLED_DB} WITH (FORCE)`)).catch(
      () => undefined,
    );
    await ds?.drop();
  });

  it("'pgbouncer_clients_waiting', 'pgbouncer_pool_saturated' and 'pgbouncer_max_client_conn' under a saturating load", async () => {
    await tune('pgbouncer_clients_waiting', { warning: 0, critical: null });
    await tune('pgbouncer_pool_saturated');
    // 4 clients and the console of max_client_conn 50: 10 %
    await tune('pgbouncer_max_client_conn', { warning: 5, critical: null });
    await step();
    // Two sleepers hold both server connections of the pool; two more clients queue.
    const [a, b, c, d] = await connectClients(4);
    const admin = new pg.Client({ connectionString: serverUrl(major) });
    await admin.connect();
    try {
      const load = [a!, b!].map((x) => x.query(SLEEP).catch(() => undefined));
      // both sleepers on the server first: a quick query must not take a connection before them
      await until('two sleepers running on the server', async () => {
        const { rows } = await admin.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1',
          [SLEEP],
        );
        return rows[0]!.n >= 2;
      });
      const queued = [c!, d!].map((x) => x.query('SELECT 1'));
      await until('two clients queued behind two sleepers', async () => {
        const p = await pool('app');
        // PgBouncer reads its clock once per event-loop turn: a wait just begun can read 0
        return (
          Number(p?.cl_waiting) >= 2 && Number(p?.sv_active) >= 2 && Number(p?.maxwait_seconds) > 0
        );
      });
      await step();
      expect(await state('pgbouncer_clients_waiting')).toBe('firing');
      expect(await state('pgbouncer_pool_saturated')).toBe('firing');
      expect(await state('pgbouncer_max_client_conn')).toBe('firing');
      // The sleepers end; the queue drains and the clients leave.
      await admin.query(
        `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = '${SLEEP}'`,
      );
      await Promise.all([...load, ...queued]);
      await Promise.all([a!, b!, c!, d!].map((x) => x.end()));
    } finally {
      await admin.end();
    }
    await step();
    await step();
    expect(await state('pgbouncer_clients_waiting')).toBe('resolved');
    expect(await state('pgbouncer_pool_saturated')).toBe('resolved');
    expect(await state('pgbouncer_max_client_conn')).toBe('resolved');
  });

  it("'pgbouncer_server_login_failing' while the server refuses its logins", async () => {
    await tune('pgbouncer_server_login_failing');
    // a working pool first, then the server refuses new sessions to its database
    const [client] = await connectClients(1, 'other');
    await client!.query('SELECT 1');
    await direct(async (c) => {
      await c.query(`ALTER DATABASE ${POOLED_DB} ALLOW_CONNECTIONS false`);
      await c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${POOLED_DB}'`,
      );
    });
    // the pool sees its server connection gone before the client asks again (else the
    // client could be handed the dying connection and get its FATAL instead of waiting)
    await until('the pool without a server connection', async () => {
      const p = await pool('other');
      const open = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested'];
      return open.reduce((n, c) => n + Number(p?.[c] ?? 0), 0) === 0;
    });
    const query = client!.query('SELECT 1');
    await until('a client waiting on a pool without a server', async () => {
      const p = await pool('other');
      return Number(p?.cl_waiting) >= 1 && Number(p?.sv_idle) + Number(p?.sv_active) === 0;
    });
    await step();
    expect(await state('pgbouncer_server_login_failing')).toBe('firing');
    // logins work again: PgBouncer's next try (server_login_retry 1 s) serves the client
    await direct((c) => c.query(`ALTER DATABASE ${POOLED_DB} ALLOW_CONNECTIONS true`));
    await query;
    await client!.end();
    await step();
    await step();
    expect(await state('pgbouncer_server_login_failing')).toBe('resolved');
  });

  it("'pgbouncer_down' when the pooler dies, until it is back", async () => {
    await tune('pgbouncer_down');
    await bouncer.kill();
    await step();
    expect(await state('pgbouncer_down')).toBe('firing');
    await bouncer.start();
    await step();
    await step();
    expect(await state('pgbouncer_down')).toBe('resolved');
  });
});
