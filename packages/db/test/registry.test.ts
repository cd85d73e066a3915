import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError, createSecretBox, NotFoundError } from '@pgvigil/db';
import {
  createCluster,
  createServer,
  deleteCluster,
  deleteServer,
  exportRegistry,
  getServer,
  getServerConnection,
  importRegistry,
  listServers,
  updateServer,
} from '@pgvigil/db/registry';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const box = createSecretBox(randomBytes(32));
const PASSWORD = 'p@ss [w]/o?r#d "q" \\ + sp&c:e %';
const KEY = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleQ==\n-----END PRIVATE KEY-----\n';

describe.each(testMajors())('server registry on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await freshDatastore(major);
  });
  afterAll(() => ds.drop());

  it('stores secrets sealed, shows only that they are set, and opens them for connecting', async () => {
    const cluster = await createCluster(ds.db, { name: 'orders' });
    const s = await createServer(ds.db, box, {
      name: 'orders-primary',
      host: 'db1.internal',
      username: 'pgvigil',
      password: PASSWORD,
      sslKey: KEY,
      clusterId: cluster.id,
    });
    expect(s).toMatchObject({
      hasPassword: true,
      hasSslKey: true,
      clusterName: 'orders',
      port: 5432,
    });
    expect(JSON.stringify(s)).not.toContain(PASSWORD);
    const raw = await ds.db.query<{ password_enc: string }>('SELECT password_enc FROM servers');
    expect(raw[0]?.password_enc).toMatch(/^pgv1\./);
    expect(JSON.stringify(await listServers(ds.db))).not.toContain('c2VjcmV0');
    const conn = await getServerConnection(ds.db, box, s.id);
    expect(conn).toMatchObject({
      host: 'db1.internal',
      user: 'pgvigil',
      password: PASSWORD,
      sslKey: KEY,
    });
  });

  it('a patch keeps stored secrets and untouched fields; null clears a secret', async () => {
    const s = await createServer(ds.db, box, {
      name: 'keep',
      host: 'h',
      username: 'u',
      password: 'first-secret',
      description: 'kept',
      environment: 'staging',
    });
    const renamed = await updateServer(ds.db, box, s.id, { name: 'kept-2', dbname: 'app' });
    expect(renamed).toMatchObject({
      name: 'kept-2',
      dbname: 'app',
      description: 'kept',
      environment: 'staging',
      hasPassword: true,
    });
    expect((await getServerConnection(ds.db, box, s.id)).password).toBe('first-secret');
    // the stored password never follows the server to another host or port
    await expect(updateServer(ds.db, box, s.id, { port: 6432 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const moved = await updateServer(ds.db, box, s.id, { port: 6432, password: 'second-secret' });
    expect(moved).toMatchObject({ port: 6432, hasPassword: true });
    expect((await updateServer(ds.db, box, s.id, { password: null })).hasPassword).toBe(false);
  });

  it('names are unique regardless of case; unknown ids and clusters are not found', async () => {
    await createServer(ds.db, box, { name: 'Unique', host: 'h', username: 'u' });
    await expect(
      createServer(ds.db, box, { name: 'unique', host: 'h', username: 'u' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(getServer(ds.db, 999_999)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      createServer(ds.db, box, { name: 'x', host: 'h', username: 'u', clusterId: 999_999 }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deleting a server removes its rows from every metrics table', async () => {
    const s = await createServer(ds.db, box, { name: 'doomed', host: 'h', username: 'u' });
    const other = await createServer(ds.db, box, { name: 'survivor', host: 'h', username: 'u' });
    await ds.db.query(
      `CREATE TABLE metrics.reg_sample (collected_at timestamptz NOT NULL, server_id bigint NOT NULL, v int)
         PARTITION BY RANGE (collected_at)`,
    );
    await ds.db.query(
      `CREATE TABLE metrics.reg_sample_p1 PARTITION OF metrics.reg_sample FOR VALUES FROM ('2026-01-01') TO ('2026-01-02')`,
    );
    await ds.db.query(
      `INSERT INTO metrics.reg_sample VALUES ('2026-01-01T01:00Z', $1, 1), ('2026-01-01T01:00Z', $2, 2)`,
      [s.id, other.id],
    );
    const rule = await ds.db.query<{ id: number }>(
      `INSERT INTO rules (key, name, kind) VALUES ('reg.test', 'Test rule', 'custom') RETURNING id`,
    );
    await ds.db.query(
      `INSERT INTO rule_overrides (rule_id, scope_type, scope_id) VALUES ($1, 'server', $2), ($1, 'server', $3)`,
      [rule[0]?.id, s.id, other.id],
    );
    await ds.db.query(
      `INSERT INTO blackouts (name, scope_type, scope_id, starts_at, ends_at) VALUES ('b', 'database', $1, now(), now() + interval '1 hour')`,
      [s.id],
    );
    const { metricRows } = await deleteServer(ds.db, s.id);
    const overrides = await ds.db.query<{ scope_id: number }>(
      'SELECT scope_id FROM rule_overrides',
    );
    expect(overrides).toEqual([{ scope_id: other.id }]);
    expect(await ds.db.query('SELECT 1 FROM blackouts WHERE scope_id = $1', [s.id])).toEqual([]);
    expect(metricRows).toBe(1);
    const left = await ds.db.query<{ server_id: number }>(
      'SELECT server_id FROM metrics.reg_sample',
    );
    expect(left).toEqual([{ server_id: other.id }]);
    await expect(getServer(ds.db, s.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('exports without secrets and imports by name, all or nothing', async () => {
    const doc = await exportRegistry(ds.db);
    const text = JSON.stringify(doc);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('pgv1.');
    expect(doc.servers.find((s) => s.name === 'orders-primary')?.cluster).toBe('orders');

    const target = await freshDatastore(major);
    try {
      const report = await importRegistry(target.db, box, doc);
      expect(report).toMatchObject({ clustersCreated: 1, serversCreated: doc.servers.length });
      const again = await importRegistry(target.db, box, doc);
      expect(again).toMatchObject({ clustersCreated: 0, serversUpdated: doc.servers.length });
      const bad = {
        ...doc,
        servers: [...doc.servers, { name: 'broken', host: '', username: 'u' }],
      };
      await expect(importRegistry(target.db, box, bad)).rejects.toThrow();
      expect((await listServers(target.db)).length).toBe(doc.servers.length);
    } finally {
      await target.drop();
    }
  });

  it('deleting a cluster keeps its servers, ungrouped', async () => {
    const c = await createCluster(ds.db, { name: 'temp' });
    const s = await createServer(ds.db, box, {
      name: 'in-temp',
      host: 'h',
      username: 'u',
      clusterId: c.id,
    });
    await deleteCluster(ds.db, c.id);
    expect((await getServer(ds.db, s.id)).clusterId).toBeNull();
  });
});
