import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allMajors,
  freshDatabase,
  startTestServers,
  TEST_PASSWORD,
  type TestCluster,
} from '@pgvigil/db/testing';
import type { ReadinessCheckKey, ReadinessStatus } from '@pgvigil/schema';
import {
  connectionSettingsSchema,
  parseConnectionString,
  readReadiness,
  type ReadinessInput,
  type ReadinessReport,
} from '../src/index';

const at = new Date('2026-12-06T12:00:00Z');

async function sql(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function report(url: string, input: Partial<ReadinessInput> = {}): Promise<ReadinessReport> {
  const settings = connectionSettingsSchema.parse({
    ...parseConnectionString(url),
    sslmode: 'disable',
  });
  const r = await readReadiness(settings, {
    purpose: 'logical',
    copyBytesPerSecond: 50 * 1024 ** 2,
    recentDdl: [],
    at,
    ...input,
  });
  if (!r.ok) throw new Error(r.failure.cause);
  return r.value;
}

const statuses = (r: ReadinessReport) =>
  Object.fromEntries(r.checks.map((c) => [c.key, c.status])) as Record<
    ReadinessCheckKey,
    ReadinessStatus
  >;
const check = (r: ReadinessReport, key: ReadinessCheckKey) => r.checks.find((c) => c.key === key)!;

/** A database that fails every check a database (rather than its server) can fail. */
const FAILING_SQL = `
  CREATE EXTENSION citext;
  CREATE TABLE no_pk (id int, note text);
  CREATE TABLE unique_nn (id int NOT NULL UNIQUE, v text);
  CREATE TABLE nothing (id int PRIMARY KEY);
  ALTER TABLE nothing REPLICA IDENTITY NOTHING;
  CREATE TABLE big_full (id int PRIMARY KEY, body text);
  ALTER TABLE big_full REPLICA IDENTITY FULL;
  CREATE UNLOGGED TABLE cache (id int PRIMARY KEY);
  CREATE TABLE gen (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a int,
                    b int GENERATED ALWAYS AS (a * 2) STORED, email citext, rel regclass);
  CREATE SEQUENCE tickets;
  SELECT setval('tickets', 42);
  CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
  CREATE TRIGGER gen_touch BEFORE INSERT ON gen FOR EACH ROW EXECUTE FUNCTION touch();
  SELECT lo_create(0);
  ANALYZE;
  -- the planner's sizes, which is all the report reads: 1.5 GiB of heap and of TOAST
  UPDATE pg_class SET relpages = 196608 WHERE oid = 'big_full'::regclass;
  UPDATE pg_class SET relpages = 196608
   WHERE oid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'big_full'::regclass);
`;

describe.each(allMajors())('readiness of a database built to fail, PostgreSQL %i', (major) => {
  it('finds each problem, with objects and fixes, without waiting for a table lock', async () => {
    const d = await freshDatabase(major, 'ready');
    const locker = new pg.Client({ connectionString: d.url });
    try {
      await sql(d.url, FAILING_SQL);
      // DDL in progress on a table: catalog reads must not queue behind it
      await locker.connect();
      await locker.query('CREATE TEMP TABLE scratch (id int)');
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE no_pk IN ACCESS EXCLUSIVE MODE');
      const recentDdl = [
        {
          at: new Date(at.getTime() - 3_600_000),
          schema: 'public',
          name: 'no_pk',
          kind: 'table',
          change: 'created',
        },
      ];
      const logical = await report(d.url, { recentDdl, copyBytesPerSecond: 1024 });
      expect(statuses(logical)).toMatchObject({
        publications: 'warning',
        replica_identity: 'blocker',
        replica_identity_full: 'warning',
        unlogged_temporary_tables: 'warning',
        large_objects: 'warning',
        sequences: 'warning',
        generated_identity_columns: 'warning',
        triggers: 'warning',
        recent_ddl: 'warning',
        toast_heavy_columns: 'warning',
        extensions: 'warning',
        column_types: 'blocker',
        initial_copy: 'warning',
      });
      expect(logical.verdict).toBe('blocked');
      expect(logical.serverVersion).toBeGreaterThanOrEqual(major * 10000);
      const identity = check(logical, 'replica_identity');
      expect(identity.objects?.map((o) => o.name).sort()).toEqual([
        'public.no_pk',
        'public.nothing',
        'public.unique_nn',
      ]);
      expect(identity.fix).toContain(
        'ALTER TABLE public.unique_nn REPLICA IDENTITY USING INDEX unique_nn_id_key;',
      );
      expect(check(logical, 'replica_identity_full').objects?.[0]).toMatchObject({
        name: 'public.big_full',
        bytes: expect.any(Number),
      });
      expect(
        check(logical, 'unlogged_temporary_tables')
          .objects?.map((o) => o.persistence)
          .sort(),
      ).toEqual(['temporary', 'unlogged']);
      expect(check(logical, 'sequences').fix).toContain("SELECT setval('public.tickets', 42);");
      expect(
        check(logical, 'column_types')
          .objects?.map((o) => o.name)
          .sort(),
      ).toEqual(['public.gen.email', 'public.gen.rel']);
      expect(check(logical, 'toast_heavy_columns').objects?.map((o) => o.name)).toContain(
        'public.big_full.body',
      );
      expect(check(logical, 'extensions').objects).toContainEqual({
        name: 'citext',
        version: expect.any(String),
      });
      expect(check(logical, 'generated_identity_columns').objects?.map((o) => o.kind)).toEqual(
        expect.arrayContaining(['stored generated', 'identity ALWAYS']),
      );
      // a one-off move cannot leave rows behind: what logical replication skips blocks it
      const migration = await report(d.url, { purpose: 'migration' });
      expect(statuses(migration)).toMatchObject({
        unlogged_temporary_tables: 'blocker',
        large_objects: 'blocker',
      });
    } finally {
      await locker.end().catch(() => undefined);
      await d.drop();
    }
  });
});

describe('readiness on servers of its own', () => {
  let ready: TestCluster;
  let off: TestCluster;
  let url: string;

  beforeAll(async () => {
    [ready, off] = await Promise.all([
      startTestServers([18]),
      startTestServers([14], {
        wal_level: 'replica',
        max_wal_senders: 0,
        max_replication_slots: 0,
        max_logical_replication_workers: 0,
        wal_sender_timeout: 0,
      }),
    ]);
    url = ready.servers.get(18)!.url('postgres');
    await sql(url, 'CREATE DATABASE shop');
    await sql(
      ready.servers.get(18)!.url('shop'),
      `CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
       CREATE TABLE ledger (account bigint NOT NULL REFERENCES accounts, n int NOT NULL, UNIQUE (account, n));
       ALTER TABLE ledger REPLICA IDENTITY USING INDEX ledger_account_n_key;
       INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 100) g;
       ANALYZE;
       CREATE PUBLICATION shop_pub FOR ALL TABLES;`,
    );
  });
  afterAll(async () => {
    await Promise.all([ready?.stop(), off?.stop()]);
  });

  it('passes every check on a database made ready', async () => {
    const r = await report(ready.servers.get(18)!.url('shop'), { replicationRole: 'postgres' });
    expect(r.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(r.verdict).toBe('ready');
    expect(check(r, 'publications').objects).toEqual([
      expect.objectContaining({ name: 'shop_pub', allTables: true, generatedColumns: false }),
    ]);
  });

  it('blocks on a server without logical decoding, slots or senders', async () => {
    const r = await report(off.servers.get(14)!.url('postgres'));
    expect(statuses(r)).toMatchObject({
      server_settings: 'blocker',
      slot_sender_headroom: 'blocker',
    });
    expect(check(r, 'server_settings').fix).toContain('ALTER SYSTEM SET wal_level = logical;');
    expect(check(r, 'server_settings').detail).toContain('wal_sender_timeout is 0');
  });

  it('flags an idle slot, a role short of REPLICATION and a role outside pg_monitor', async () => {
    await sql(
      url,
      `SELECT pg_create_physical_replication_slot('idle', true);
       CREATE ROLE plain LOGIN PASSWORD '${TEST_PASSWORD}';`,
    );
    try {
      const r = await report(ready.servers.get(18)!.url('shop'), { replicationRole: 'plain' });
      expect(statuses(r)).toMatchObject({ existing_slots: 'warning', replication_role: 'blocker' });
      expect(check(r, 'existing_slots').fix).toContain("pg_drop_replication_slot('idle')");
      expect(check(r, 'replication_role').fix).toBe('ALTER ROLE plain WITH REPLICATION;');
      const missing = await report(ready.servers.get(18)!.url('shop'), {
        replicationRole: 'nobody',
      });
      expect(statuses(missing).replication_role).toBe('blocker');
      const asPlain = new URL(ready.servers.get(18)!.url('shop'));
      asPlain.username = 'plain';
      const seenByPlain = await report(asPlain.toString());
      expect(statuses(seenByPlain).monitoring_role).toBe('warning');
      expect(check(seenByPlain, 'monitoring_role').fix).toBe('GRANT pg_monitor TO plain;');
    } finally {
      await sql(url, `SELECT pg_drop_replication_slot('idle'); DROP ROLE plain;`);
    }
  });
});

describe('readiness of a server that cannot be reached', () => {
  it('is a value with the classified cause and fix, never a hang', async () => {
    // a port that was just free: nothing listens there
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await readReadiness(
      connectionSettingsSchema.parse({ host: '127.0.0.1', port, user: 'x', sslmode: 'disable' }),
      { purpose: 'logical', copyBytesPerSecond: 1, recentDdl: null, at },
    );
    expect(r).toMatchObject({
      ok: false,
      failure: { code: 'connection_refused', cause: expect.any(String), fix: expect.any(String) },
    });
  });
});
