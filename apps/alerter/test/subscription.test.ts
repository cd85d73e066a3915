import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import { getReplicationDetail } from '@pgvigil/db/dashboard';
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

const RULES = ['subscription_down', 'subscription_disabled', 'subscription_tables_not_ready'];

/**
 * Real logical replication between two servers (wal_level = logical): a publisher
 * and a subscriber. Table `items` syncs; table `stuck` cannot, because the
 * subscriber already holds the row its initial copy brings (duplicate key), until
 * the test deletes it. The subscriber retries table sync every 200 ms, not 5 s.
 */
describe.each(testMajors())(
  'subscription rules with real logical replication on PostgreSQL %i',
  (major) => {
    let pub: Awaited<ReturnType<typeof startTestServers>>;
    let sub: Awaited<ReturnType<typeof startTestServers>>;
    let ds: TestDatastore;
    let pubUrl: string;
    let subUrl: string;

    beforeAll(async () => {
      [pub, sub, ds] = await Promise.all([
        startTestServers([major]),
        startTestServers([major], { wal_retrieve_retry_interval: '200ms' }),
        freshDatastore(major),
      ]);
      const publisher = pub.servers.get(major)!;
      await query(publisher.url('postgres'), 'CREATE DATABASE publisher');
      await query(sub.servers.get(major)!.url('postgres'), 'CREATE DATABASE subscriber');
      pubUrl = publisher.url('publisher');
      subUrl = sub.servers.get(major)!.url('subscriber');
      const tables = `CREATE TABLE items (id int PRIMARY KEY); CREATE TABLE stuck (id int PRIMARY KEY);
                      INSERT INTO stuck VALUES (1)`;
      await query(pubUrl, `${tables}; CREATE PUBLICATION pub FOR TABLE items, stuck`);
      await query(subUrl, tables);
      await query(
        subUrl,
        `CREATE SUBSCRIPTION sub1
         CONNECTION 'host=127.0.0.1 port=${publisher.port} dbname=publisher user=postgres password=${TEST_PASSWORD}'
         PUBLICATION pub`,
      );
      await syncCatalog(ds.db);
    }, 60_000);
    afterAll(async () => {
      await ds?.drop();
      await Promise.all([pub?.stop(), sub?.stop()]);
    });

    const workers = async () =>
      Number(
        (
          await query<{ n: number }>(
            subUrl,
            `SELECT count(pid)::int AS n FROM pg_stat_subscription WHERE subname = 'sub1'`,
          )
        )[0]?.n ?? 0,
      );
    const states = async () =>
      Object.fromEntries(
        (
          await query<{ relname: string; state: string }>(
            subUrl,
            `SELECT c.relname::text, r.srsubstate::text AS state
               FROM pg_subscription_rel r JOIN pg_class c ON c.oid = r.srrelid`,
          )
        ).map((r) => [r.relname, r.state]),
      );

    it('names the role of each node: publisher and subscriber', async () => {
      const at = new Date();
      const pubId = await addServer(ds.db, 'publisher', pubUrl);
      const subId = await addServer(ds.db, 'subscriber-role', subUrl);
      const [p] = await collect(ds.db, pubId, pubUrl, 'server_info', at);
      const [s] = await collect(ds.db, subId, subUrl, 'server_info', at);
      expect(p).toMatchObject({
        replication_role: 'primary',
        logical_publisher: true,
        logical_subscriber: false,
      });
      expect(s).toMatchObject({
        replication_role: 'primary',
        logical_publisher: false,
        logical_subscriber: true,
      });
      // the server page's replication section
      await collect(ds.db, subId, subUrl, 'subscription_sync', at);
      expect(
        await getReplicationDetail({ db: ds.db, input: { serverId: subId }, at }),
      ).toMatchObject({
        role: 'primary',
        logicalPublisher: false,
        logicalSubscriber: true,
        subscriptions: [{ database: 'subscriber', name: 'sub1', enabled: true, tables: 2 }],
      });
    });

    it('fires on a table stuck in sync, and on a disabled subscription; each clears', async () => {
      const serverId = await addServer(ds.db, 'subscriber', subUrl);
      const rules = new Map((await listRules(ds.db)).map((r) => [r.key, r]));
      for (const key of RULES) await updateRule(ds.db, { id: rules.get(key)!.id, forSeconds: 0 });
      const state = async (key: string) =>
        (await listAlerts(ds.db, { serverId, ruleId: rules.get(key)!.id })).find(
          (a) => a.object_key === 'sub1',
        )?.state ?? 'none';
      const all = async () =>
        Object.fromEntries(await Promise.all(RULES.map(async (k) => [k, await state(k)])));
      let at = new Date();
      await recordHeartbeat(ds.db, { component: 'collector', instanceId: 't', startedAt: at });
      const step = async () => {
        at = new Date(at.getTime() + 60_000);
        await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1`, [at]);
        await collect(ds.db, serverId, subUrl, 'subscriptions', at);
        const [row] = await collect(ds.db, serverId, subUrl, 'subscription_sync', at);
        await runCycle(ds.db, at, {
          baseUrl: 'http://x',
          reminderSeconds: 0,
          includeTrends: false,
        });
        return row;
      };

      await until('items ready and the apply worker running', async () => {
        return (await states()).items === 'r' && (await workers()) > 0;
      });
      expect((await states()).stuck).not.toBe('r');
      expect(await step()).toMatchObject({ enabled: true, tables: 2, ready: 1, not_ready: 1 });
      expect(await all()).toEqual({
        subscription_down: 'none',
        subscription_disabled: 'none',
        subscription_tables_not_ready: 'firing',
      });

      await query(subUrl, 'DELETE FROM stuck');
      await until('stuck synced', async () => (await states()).stuck === 'r');
      expect(await step()).toMatchObject({ ready: 2, not_ready: 0 });
      expect(await state('subscription_tables_not_ready')).toBe('resolved');

      await query(subUrl, 'ALTER SUBSCRIPTION sub1 DISABLE');
      await until('the apply worker gone', async () => (await workers()) === 0, 30_000);
      expect(await step()).toMatchObject({ enabled: false });
      expect(await state('subscription_down')).toBe('firing');
      expect(await state('subscription_disabled')).toBe('firing');

      await query(subUrl, 'ALTER SUBSCRIPTION sub1 ENABLE');
      await until('the apply worker back', async () => (await workers()) > 0, 30_000);
      expect(await step()).toMatchObject({ enabled: true });
      expect(await state('subscription_down')).toBe('resolved');
      expect(await state('subscription_disabled')).toBe('resolved');
    }, 90_000);
  },
);
