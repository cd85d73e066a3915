import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrate, type Db } from '@pgvigil/db';
import { startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';
import {
  serverUrl,
  startStandby,
  startTestServers,
  testMajors,
  TEST_PASSWORD,
  TEST_SERVER_SETTINGS,
  type TestCluster,
} from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';
import type { Collector } from '../src/collector';
import { newKey, queueMessages, recordTaken, slowSink, startAlerter } from './fault-kit';
import { count, registerServer, testCollector, waitFor } from './helpers';

const major = testMajors().at(-1)!;
const connectivity = { ...getProbe('connectivity')!, intervalSeconds: 1 };
const MESSAGES = 16;

const sql = async (url: string, text: string) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
};

/**
 * An external datastore (DATABASE_URL naming a primary and its streaming standby):
 * restarted, then failed over to the standby. The collector (here, in process) and
 * the alerter (its own process) follow it by themselves; what the collector took
 * meanwhile lands once, and the outbox is delivered in full.
 */
describe(`an external datastore restarted and failed over (PostgreSQL ${major})`, () => {
  let cluster: TestCluster;
  let primary: EmbeddedServer;
  let standby: EmbeddedServer;
  let db: Db;
  let url: string;
  let collector: Collector;
  let taken: Set<number>;
  let home: string;
  const key = newKey();
  let sink: Awaited<ReturnType<typeof slowSink>>;
  let alerter: ReturnType<typeof startAlerter> | undefined;
  const switched: string[] = [];

  beforeAll(async () => {
    cluster = await startTestServers([major]);
    primary = cluster.servers.get(major)!;
    await sql(primary.url(), 'CREATE DATABASE pgvigil');
    standby = await startStandby(cluster, major);
    const at = (s: EmbeddedServer) => `127.0.0.1:${s.port}`;
    url = `postgresql://postgres:${TEST_PASSWORD}@${at(primary)},${at(standby)}/pgvigil?target_session_attrs=read-write`;
    db = createDb({ url, applicationName: 'pgvigil-test', onSwitch: (h) => switched.push(h) });
    await migrate(db);
    home = await mkdtemp(path.join(tmpdir(), 'pgvigil-failover-'));
    sink = await slowSink(300);
  });
  afterAll(async () => {
    await alerter?.stop();
    await collector?.halt();
    await db?.close();
    await sink?.close();
    // the test restarts the primary: stop the instances running now, then the folder
    await Promise.all([primary?.stop(), standby?.stop()]);
    await cluster?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const rows = () =>
    db.query<{ at: Date }>('SELECT collected_at AS at FROM metrics.connectivity ORDER BY 1');
  const newer = async (than: number) => (await rows()).some((r) => r.at.getTime() > than);

  it('collects and delivers through a restart and a failover to the standby', async () => {
    await registerServer(db, 'watched', serverUrl(major));
    collector = testCollector(db, 'failover', { probes: [connectivity] });
    taken = recordTaken(collector);
    await collector.start();
    await waitFor(() => newer(0), 'first samples');
    await queueMessages(db, key, sink.url, 'failover', MESSAGES);
    alerter = startAlerter(url, key, home, { ALERTER_INTERVAL_SECONDS: '3600' });
    await waitFor(async () => sink.keys().length >= 4, 'first deliveries', 60_000);

    // 1. The datastore restarts (an upgrade, a reboot): the pools reconnect.
    await primary.stop();
    const restartedAt = Date.now();
    await waitFor(async () => collector.buffer.rows > 0, 'samples kept while it is down');
    primary = await startEmbedded({
      dataDir: path.join(cluster.root, `pg${major}`),
      major,
      port: primary.port,
      superuserPassword: TEST_PASSWORD,
      settings: TEST_SERVER_SETTINGS,
    });
    await waitFor(() => newer(restartedAt), 'samples after the restart', 60_000);
    // a healthy pair again: the standby streams from the restarted primary (with
    // asynchronous replication, what it has not received is lost in a failover)
    await waitFor(
      async () =>
        (await sql(primary.url(), `SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'`))
          .length === 1,
      'the standby streaming again',
      60_000,
    );

    // 2. The primary goes away for good and the standby is promoted: the apps find
    //    the new primary among the URL's hosts. A fast shutdown sends the standby
    //    every committed change first, so nothing committed is lost.
    await primary.stop();
    const failedOverAt = Date.now();
    await sql(standby.url('postgres'), 'SELECT pg_promote()');
    await waitFor(() => newer(failedOverAt), 'samples on the promoted standby', 60_000);
    expect(switched).toEqual([`127.0.0.1:${standby.port}`]);
    await waitFor(
      async () =>
        (await count(
          db,
          `SELECT count(*)::int AS n FROM notification_outbox WHERE status <> 'sent'`,
        )) === 0,
      'every message delivered',
      90_000,
    );

    await collector.halt();
    await collector.flush();
    const stored = (await rows()).map((r) => r.at.getTime());
    // once each, and every sample the collector took is there
    expect(new Set(stored).size).toBe(stored.length);
    expect([...taken].filter((t) => !stored.includes(t))).toEqual([]);
    expect(collector.info().droppedRows).toBe(0);
    const keys = sink.keys().filter((k) => k.startsWith('failover:'));
    expect(new Set(keys).size).toBe(MESSAGES);
    // at most a batch in flight at each of the two outages, each again with its id
    expect(sink.twice().length).toBeLessThanOrEqual(8);
    console.log(
      `failover: ${taken.size} samples taken, all stored once; ${MESSAGES} messages, ` +
        `${sink.twice().length} delivered twice (in flight at an outage)`,
    );
  }, 240_000);
});
