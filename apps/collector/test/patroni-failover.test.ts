import {
  listPatroniClusters,
  registerPatroniMembers,
  createCluster,
  setClusterPatroniUrl,
} from '@pgvigil/db/registry';
import {
  freshDatastore,
  PATRONI_SUPERUSER_PASSWORD,
  startPatroni,
  testMajors,
  type TestDatastore,
  type TestPatroni,
} from '@pgvigil/db/testing';
import { readPatroni } from '@pgvigil/probes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../src/collector';
import { box, testCollector } from './helpers';

// A three-member cluster with a switchover and a killed leader takes about a minute
// on two cores: opt in with PGVIGIL_TEST_PATRONI=1 (the default suite tests the same
// code against a two-member cluster in apps/alerter/test/patroni.test.ts).
const enabled = process.env.PGVIGIL_TEST_PATRONI === '1';

async function until(what: string, check: () => Promise<boolean>, limitMs = 90_000) {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!enabled)('a Patroni switchover and failover, followed by the collector', () => {
  let cluster: TestPatroni;
  let ds: TestDatastore;
  let collector: Collector;
  const serverOf = new Map<string, number>();

  beforeAll(async () => {
    [cluster, ds] = await Promise.all([
      startPatroni(3, { ttl: 10 }),
      freshDatastore(testMajors()[0]!),
    ]);
    const { id } = await createCluster(ds.db, { name: 'ha' });
    await setClusterPatroniUrl(ds.db, id, cluster.api);
    const view = await readPatroni(cluster.api);
    const login = { username: 'postgres', password: PATRONI_SUPERUSER_PASSWORD };
    for (const s of await registerPatroniMembers(ds.db, box, id, view.members, login))
      serverOf.set(s.name.slice('ha-'.length), s.id);
    collector = testCollector(ds.db, 'patroni', { patroniEveryMs: 500 });
    await collector.start();
  });
  afterAll(async () => {
    await collector?.stop();
    await cluster?.stop();
    await ds?.drop();
  });

  /** The newest metrics.patroni role of each member, as the collector wrote it. */
  const roles = async () => {
    const rows = await ds.db.query<{ member: string; role: string }>(
      `SELECT DISTINCT ON (server_id) member, role FROM metrics.patroni
        ORDER BY server_id, collected_at DESC`,
    );
    return Object.fromEntries(rows.map((r) => [r.member, r.role]));
  };
  const events = () =>
    ds.db.query<{ kind: string; title: string; server_id: number | null }>(
      'SELECT kind, title, server_id FROM events ORDER BY at, id',
    );

  it(
    'keeps the roles in step and records a switchover on the cluster',
    { timeout: 120_000 },
    async () => {
      await until('three members polled', async () => Object.keys(await roles()).length === 3);
      expect((await roles()).m1).toBe('leader');
      const res = await fetch(`${cluster.api}/switchover`, {
        method: 'POST',
        body: JSON.stringify({ leader: 'm1', candidate: 'm2' }),
      });
      expect(res.status).toBe(200);
      await until('the switchover event', async () => (await events()).length === 1);
      expect(await events()).toEqual([
        { kind: 'switchover', title: 'Switchover: m1 → m2', server_id: serverOf.get('m2') },
      ]);
      const [why] = await ds.db.query<{ details: string }>('SELECT details FROM events');
      expect(why!.details).toMatch(
        /switchover: (Patroni had a switchover scheduled|m1's Patroni answers after the move)/,
      );
      await until('m2 the leader in metrics', async () => (await roles()).m2 === 'leader');
      // the new leader reports its timeline once its promotion is through
      await until(
        'timeline 2 on the cluster',
        async () => {
          const [c] = await listPatroniClusters(ds.db);
          return c!.timeline === 2;
        },
        20_000,
      );
    },
  );

  it('records a failover when the leader is killed', { timeout: 120_000 }, async () => {
    await cluster.kill(cluster.members[1]!);
    await until('the failover event', async () => (await events()).length === 2);
    // and nothing more while the new leader settles (a few polls later)
    const readAt = async () =>
      (await ds.db.query<{ t: Date }>('SELECT read_at AS t FROM patroni_state'))[0]!.t.getTime();
    const since = await readAt();
    await until('three more polls', async () => (await readAt()) > since + 1_400);
    expect((await events()).length).toBe(2);
    const [, failover] = await events();
    expect(failover!.kind).toBe('failover');
    expect(failover!.title).toMatch(/^Failover: m[13] promoted \(m2 lost\)$/);
    // and why: the killed leader's own API is silent
    const [, lost] = await ds.db.query<{ details: string }>(
      'SELECT details FROM events ORDER BY at, id',
    );
    expect(lost!.details).toMatch(/failover: m2's REST API did not answer after the move/);
  });
});
