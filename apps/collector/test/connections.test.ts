import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshDatastore,
  startTestServers,
  testMajors,
  type TestDatastore,
} from '@pgvigil/db/testing';
import type { Collector } from '../src/collector';
import { SESSIONS_PER_SERVER } from '../src/session-slots';
import { count, registerServer, testCollector, waitFor } from './helpers';

const major = testMajors().at(-1)!;

/** A TCP proxy that can stop forwarding in both directions, keeping every socket open. */
async function startProxy(port: number) {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (d) => void (frozen || upstream.write(d)));
    upstream.on('data', (d) => void (frozen || client.write(d)));
    // A half-open peer sends no FIN either: while frozen, a close is not passed on.
    client.on('close', () => frozen || upstream.destroy());
    upstream.on('close', () => frozen || client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => (frozen = true),
    thaw: () => (frozen = false),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe(`sessions held to the cap on PostgreSQL ${major}`, () => {
  let watched: Awaited<ReturnType<typeof startTestServers>>;
  let url: string;
  let ds: TestDatastore;
  let collector: Collector | undefined;

  beforeAll(async () => {
    [watched, ds] = await Promise.all([startTestServers([major]), freshDatastore(major)]);
    url = watched.servers.get(major)!.url();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // 100 databases with a table each, so every one of them has a row in metrics.tables
    await admin.query('CREATE TABLE app_table (id int)');
    for (let i = 0; i < 100; i++)
      await admin.query(
        `CREATE DATABASE app_${i} TEMPLATE postgres${major >= 15 ? ' STRATEGY FILE_COPY' : ''}`,
      );
    await admin.end();
  });
  afterAll(async () => {
    await collector?.stop();
    await ds?.drop();
    await watched?.stop();
  });

  it(`never opens more than ${SESSIONS_PER_SERVER} sessions to a server with 100 databases`, async () => {
    const serverId = await registerServer(ds.db, 'hundred', url);
    collector = testCollector(ds.db, 'cap');
    await collector.start();
    const observer = new pg.Client({ connectionString: url });
    await observer.connect();
    let most = 0;
    let mostSlots = 0;
    const started = Date.now();
    try {
      // Until a full pass over the 101 databases is stored, count pgvigil's sessions.
      await waitFor(
        async () => {
          const r = await observer.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgvigil'`,
          );
          most = Math.max(most, r.rows[0]!.n);
          mostSlots = Math.max(mostSlots, collector!.sessionsInUse().get(serverId) ?? 0);
          const passes = await count(
            ds.db,
            `SELECT min(n)::int AS n FROM (SELECT database_name, count(*) AS n FROM metrics.tables
               WHERE server_id = $1 GROUP BY database_name) d
              HAVING count(*) = 101`,
            [serverId],
          );
          return passes >= 1;
        },
        'a pass over 101 databases',
        170_000,
      );
    } finally {
      await observer.end();
    }
    console.log(
      `a pass over 101 databases in ${Date.now() - started} ms; at most ${most} pgvigil sessions`,
    );
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(SESSIONS_PER_SERVER);
    expect(mostSlots).toBeLessThanOrEqual(SESSIONS_PER_SERVER);
  }, 180_000);
});

describe(`a half-open connection on PostgreSQL ${major}`, () => {
  let watched: Awaited<ReturnType<typeof startTestServers>>;
  let ds: TestDatastore;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let collector: Collector | undefined;

  beforeAll(async () => {
    [watched, ds] = await Promise.all([startTestServers([major]), freshDatastore(major)]);
    proxy = await startProxy(watched.servers.get(major)!.port);
  });
  afterAll(async () => {
    await collector?.stop();
    await proxy?.close();
    await ds?.drop();
    await watched?.stop();
  });

  it('gives up on that server, frees its slots, keeps the others on schedule', async () => {
    const direct = watched.servers.get(major)!.url();
    const proxied = new URL(direct);
    proxied.port = String(proxy.port);
    const hungId = await registerServer(ds.db, 'behind-proxy', proxied.toString());
    const okId = await registerServer(ds.db, 'direct', direct);
    collector = testCollector(ds.db, 'half-open', {
      queryTimeoutMs: 2_000,
      connectTimeoutMs: 2_000,
    });
    await collector.start();
    const samples = (id: number) =>
      count(
        ds.db,
        'SELECT count(*)::int AS n FROM metrics.connectivity WHERE server_id = $1 AND up',
        [id],
      );
    await waitFor(async () => (await samples(hungId)) > 0 && (await samples(okId)) > 0, 'both up');

    proxy.freeze();
    const frozenAt = new Date();
    const down = await waitFor(
      async () => {
        const rows = await ds.db.query<{ state: string; error_code: string }>(
          `SELECT state, error_code FROM server_status WHERE server_id = $1 AND state = 'down'`,
          [hungId],
        );
        return rows[0];
      },
      'the proxied server given up on',
      30_000,
    );
    expect(down.error_code).toBe('timeout');
    // Its sessions are closed (the slots free) while it waits to retry.
    await waitFor(async () => collector!.sessionsInUse().get(hungId) === 0, 'slots freed', 30_000);
    // The other server kept its schedule meanwhile.
    const okSince = await count(
      ds.db,
      'SELECT count(*)::int AS n FROM metrics.connectivity WHERE server_id = $1 AND up AND collected_at > $2',
      [okId, frozenAt],
    );
    expect(okSince).toBeGreaterThan(0);

    proxy.thaw();
    await waitFor(
      async () => {
        const rows = await ds.db.query<{ state: string }>(
          'SELECT state FROM server_status WHERE server_id = $1',
          [hungId],
        );
        return rows[0]?.state === 'up';
      },
      'the proxied server back up',
      60_000,
    );
  });
});
