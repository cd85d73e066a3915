import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, createSecretBox } from '@pgvigil/db';
import { listClusterSummaries } from '@pgvigil/db/dashboard';
import {
  createCluster,
  createServer,
  deleteServer,
  exportRegistry,
  getServer,
  importRegistry,
  listPoolerLinks,
  updateServer,
} from '@pgvigil/db/registry';
import { syncLeases } from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const box = createSecretBox(randomBytes(32));
const major = testMajors()[testMajors().length - 1] ?? 18;

describe('poolers in the registry', () => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await freshDatastore(major);
  });
  afterAll(() => ds.drop());

  it('registers a pooler like a server, linked to the servers it fronts', async () => {
    const primary = await createServer(ds.db, box, { name: 'pg-a', host: 'a', username: 'm' });
    const standby = await createServer(ds.db, box, { name: 'pg-b', host: 'b', username: 'm' });
    const pooler = await createServer(ds.db, box, {
      name: 'bouncer-1',
      kind: 'pgbouncer',
      host: 'pool.internal',
      username: 'pgvigil_stats',
      fronts: [primary.id, standby.id],
    });
    // the admin console on PgBouncer's port, unless told otherwise
    expect(pooler).toMatchObject({ kind: 'pgbouncer', dbname: 'pgbouncer', port: 6432 });
    expect(pooler.fronts).toEqual([primary.id, standby.id]);
    expect(primary).toMatchObject({ kind: 'postgres', fronts: [] });
    expect(await listPoolerLinks(ds.db, [standby.id])).toEqual([
      { poolerId: pooler.id, poolerName: 'bouncer-1', serverId: standby.id },
    ]);

    // a server fronts nothing, and a pooler fronts servers only
    await expect(updateServer(ds.db, box, primary.id, { fronts: [standby.id] })).rejects.toThrow(
      ValidationError,
    );
    await expect(
      createServer(ds.db, box, {
        name: 'b2',
        kind: 'pgbouncer',
        host: 'x',
        username: 'u',
        fronts: [pooler.id],
      }),
    ).rejects.toThrow(ValidationError);

    await updateServer(ds.db, box, pooler.id, { fronts: [primary.id] });
    expect((await getServer(ds.db, pooler.id)).fronts).toEqual([primary.id]);

    // the collector learns the kind from its lease
    const held = await syncLeases(ds.db, {
      collectorId: 'c1',
      at: new Date(),
      ttlSeconds: 30,
      liveSeconds: 30,
    });
    expect(held.find((h) => h.serverId === pooler.id)?.kind).toBe('pgbouncer');

    // export and import keep the kind and the links, by name
    const doc = await exportRegistry(ds.db);
    expect(doc.servers.find((s) => s.name === 'bouncer-1')).toMatchObject({
      kind: 'pgbouncer',
      fronts: ['pg-a'],
    });
    await updateServer(ds.db, box, pooler.id, { fronts: [] });
    await importRegistry(ds.db, box, doc);
    expect((await getServer(ds.db, pooler.id)).fronts).toEqual([primary.id]);

    // a deleted server leaves the pooler's list
    await deleteServer(ds.db, primary.id);
    expect((await getServer(ds.db, pooler.id)).fronts).toEqual([]);
  });

  it("counts a cluster's poolers apart from its servers on the fleet's cluster cards", async () => {
    const cluster = await createCluster(ds.db, { name: 'orders' });
    const member = await createServer(ds.db, box, {
      name: 'orders-1',
      host: 'o1',
      username: 'm',
      clusterId: cluster.id,
    });
    await createServer(ds.db, box, {
      name: 'orders-pool',
      kind: 'pgbouncer',
      host: 'op',
      username: 'pgvigil_stats',
      clusterId: cluster.id,
      fronts: [member.id],
    });
    const [card] = (await listClusterSummaries({ db: ds.db })).filter((c) => c.id === cluster.id);
    expect(card).toMatchObject({ servers: 1, poolers: 1, activeAlerts: 0 });
  });
});
