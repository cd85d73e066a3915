import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import {
  freshDatastore,
  startTestServers,
  testMajors,
  TEST_PASSWORD,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { runCycle } from '../src/cycle/run';
import { syncCatalog } from '@pgvigil/alerting';
import { addServer, collect, query, until } from './fixtures';

/**
 * Real logical replication on a server of its own (wal_level = logical): a
 * publisher database and a subscriber database in one cluster, the slot created
 * beforehand (CREATE SUBSCRIPTION cannot create one in its own cluster).
 */
describe.each(testMajors())(
  'subscription_down with real logical replication on PostgreSQL %i',
  (major) => {
    let cluster: Awaited<ReturnType<typeof startTestServers>>;
    let ds: TestDatastore;
    let url: string;
    let subUrl: string;

    beforeAll(async () => {
      cluster = await startTestServers([major]);
      const server = cluster.servers.get(major)!;
      url = server.url('postgres');
      await query(url, 'CREATE DATABASE publisher');
      await query(url, 'CREATE DATABASE subscriber');
      const pubUrl = server.url('publisher');
      subUrl = server.url('subscriber');
      await query(
        pubUrl,
        'CREATE TABLE items (id int PRIMARY KEY); CREATE PUBLICATION pub FOR TABLE items',
      );
      await query(pubUrl, `SELECT pg_create_logical_replication_slot('sub1', 'pgoutput')`);
      await query(subUrl, 'CREATE TABLE items (id int PRIMARY KEY)');
      await query(
        subUrl,
        `CREATE SUBSCRIPTION sub1
         CONNECTION 'host=127.0.0.1 port=${server.port} dbname=publisher user=postgres password=${TEST_PASSWORD}'
         PUBLICATION pub WITH (create_slot = false, slot_name = 'sub1')`,
      );
      ds = await freshDatastore(major);
      await syncCatalog(ds.db);
    }, 60_000);
    afterAll(async () => {
      await ds?.drop();
      await cluster?.stop();
    });

    const workers = async () =>
      Number(
        (
          await query<{ n: number }>(
            url,
            `SELECT count(pid)::int AS n FROM pg_stat_subscription WHERE subname = 'sub1'`,
          )
        )[0]?.n ?? 0,
      );

    it('fires when the subscription is disabled (its worker exits) and clears when enabled', async () => {
      const serverId = await addServer(ds.db, 'subscriber', url);
      const rule = (await listRules(ds.db)).find((r) => r.key === 'subscription_down')!;
      await updateRule(ds.db, { id: rule.id, forSeconds: 0 });
      const state = async () =>
        (await listAlerts(ds.db, { serverId, ruleId: rule.id })).find(
          (a) => a.object_key === 'sub1',
        )?.state ?? 'none';
      let at = new Date();
      await recordHeartbeat(ds.db, { component: 'collector', instanceId: 't', startedAt: at });
      const step = async () => {
        at = new Date(at.getTime() + 60_000);
        await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1`, [at]);
        await collect(ds.db, serverId, url, 'subscriptions', at);
        await runCycle(ds.db, at, {
          baseUrl: 'http://x',
          reminderSeconds: 0,
          includeTrends: false,
        });
      };

      await until('the apply worker running', async () => (await workers()) > 0, 30_000);
      await step();
      expect(await state()).toBe('none');

      await query(subUrl, 'ALTER SUBSCRIPTION sub1 DISABLE');
      await until('the apply worker gone', async () => (await workers()) === 0, 30_000);
      await step();
      expect(await state()).toBe('firing');

      await query(subUrl, 'ALTER SUBSCRIPTION sub1 ENABLE');
      await until('the apply worker back', async () => (await workers()) > 0, 30_000);
      await step();
      expect(await state()).toBe('resolved');
    }, 90_000);
  },
);
