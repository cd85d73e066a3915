import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrate, type Db } from '@pgvigil/db';
import { startTcpProxy, startTestServers, testMajors, type TcpProxy } from '@pgvigil/db/testing';
import type { Collector } from '../src/collector';
import { count, registerServer, testCollector, waitFor } from './helpers';

const major = testMajors().at(-1)!;

/**
 * A monitored server whose network path drops every packet (a firewall, a dead
 * route): no error ever comes back, so only the collector's own timeouts can tell.
 * Found by the soak in `npm run bench`: the server's samples stopped for as long as
 * the path was down, with no `down` sample and no `server_down`.
 */
describe(`a blackholed path to a monitored server, on PostgreSQL ${major}`, () => {
  let watched: Awaited<ReturnType<typeof startTestServers>>;
  let store: Awaited<ReturnType<typeof startTestServers>>;
  let path: TcpProxy;
  let db: Db;
  let collector: Collector;
  let serverId: number;

  beforeAll(async () => {
    [watched, store] = await Promise.all([startTestServers([major]), startTestServers([major])]);
    const target = new URL(watched.servers.get(major)!.url());
    path = await startTcpProxy(Number(target.port));
    target.port = String(path.port);
    db = createDb({ url: store.servers.get(major)!.url(), applicationName: 'pgvigil-test' });
    await migrate(db);
    serverId = await registerServer(db, 'far-away', target.toString());
    collector = testCollector(db, 'blackhole', { connectTimeoutMs: 2_000, queryTimeoutMs: 3_000 });
    await collector.start();
    await waitFor(
      () =>
        count(db, 'SELECT count(*)::int AS n FROM metrics.connectivity WHERE up').then(
          (n) => n > 0,
        ),
      'first samples',
    );
  });
  afterAll(async () => {
    // a failed run may leave the path dark: let the collector's sessions end before it stops
    path?.blackhole(false);
    await collector?.stop();
    await path?.close();
    await db?.close();
    await Promise.all([watched?.stop(), store?.stop()]);
  });

  it('marks the server down while its packets vanish, and up again when they flow', async () => {
    path.blackhole(true);
    const since = new Date();
    const down = await waitFor(async () => {
      const rows = await db.query<{ error_code: string }>(
        `SELECT error_code FROM metrics.connectivity
          WHERE server_id = $1 AND NOT up AND collected_at >= $2`,
        [serverId, since],
      );
      return rows[0];
    }, 'a down sample during the blackhole');
    expect(down.error_code).toMatch(/timeout/);
    const state = await db.query<{ state: string }>(
      'SELECT state FROM server_status WHERE server_id = $1',
      [serverId],
    );
    expect(state[0]?.state).toBe('down');

    path.blackhole(false);
    const back = new Date();
    await waitFor(
      () =>
        count(
          db,
          'SELECT count(*)::int AS n FROM metrics.connectivity WHERE server_id = $1 AND up AND collected_at >= $2',
          [serverId, back],
        ).then((n) => n > 0),
      'an up sample after the blackhole',
    );
  });
});
