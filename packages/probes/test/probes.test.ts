import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMajors, freshDatabase, type TestDatabase } from '@pgvigil/db/testing';
import { SUPPORTED_MAJORS } from '@pgvigil/db/embedded';
import {
  diffSnapshot,
  getProbe,
  PROBES,
  PROBE_PRIVILEGES,
  runProbe,
  selectSql,
  type ProbeContext,
  type ProbeResult,
} from '../src/index';
import { loadFixture, probeSession, runAll } from './helpers';

// Optional extensions are absent on the test servers: these must say why.
const ABSENT_EXTENSIONS = [
  'spock_nodes',
  'spock_subscriptions',
  'spock_exceptions',
  'spock_resolutions',
  'statements_kcache',
  'statement_waits',
  'wait_profile',
  'os_load',
  'os_memory',
  'os_cpu',
  'os_disk',
  'os_disk_io',
  'os_network',
];
const SINCE: Record<string, number> = { io: 16, subscription_stats: 15, recovery_prefetch: 15 };

describe('probe definitions', () => {
  it('has at least 40 probes with unique names and well-formed columns', () => {
    expect(PROBES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(PROBES.map((p) => p.name)).size).toBe(PROBES.length);
    for (const p of PROBES) {
      expect(p.name).toMatch(/^[a-z][a-z0-9_]{0,40}$/);
      expect(p.sql.length).toBeGreaterThan(0);
      expect(p.sources.length).toBeGreaterThan(0);
      for (const c of p.columns)
        if (c.counter) expect(['int', 'bigint', 'double']).toContain(c.type);
    }
  });

  it('diffs cumulative rows into deltas, skipping idle entries and surviving resets', () => {
    const probe = getProbe('statements')!;
    const row = (queryid: number, calls: number) => ({
      queryid,
      userid: 10,
      dbid: 5,
      toplevel: true,
      calls,
      total_exec_time: calls * 2,
    });
    const t0 = new Date('2026-03-10T10:00:00Z');
    const t1 = new Date('2026-03-10T10:01:00Z');
    const first = diffSnapshot(probe, undefined, [row(1, 10), row(2, 5)], t0);
    expect(first.rows).toEqual([]);
    const second = diffSnapshot(probe, first.snapshot, [row(1, 10), row(2, 8), row(3, 1)], t1);
    expect(
      second.rows.map((r) => [r.queryid, r.calls, r.total_exec_time, r.interval_seconds]),
    ).toEqual([
      [2, 3, 6, 60],
      [3, 1, 2, 60],
    ]);
    const afterReset = diffSnapshot(probe, second.snapshot, [row(2, 2)], t1);
    expect(afterReset.rows.map((r) => r.calls)).toEqual([2]);
  });

  it('gives no delta for a column the server does not track (NULL), not a zero', () => {
    const probe = getProbe('statements')!;
    const row = (calls: number, plans: number | null) => ({
      queryid: '1',
      userid: 10,
      dbid: 5,
      toplevel: true,
      calls,
      plans,
    });
    const t0 = new Date('2026-03-10T10:00:00Z');
    const t1 = new Date('2026-03-10T10:01:00Z');
    const t2 = new Date('2026-03-10T10:02:00Z');
    const first = diffSnapshot(probe, undefined, [row(1, null)], t0);
    const second = diffSnapshot(probe, first.snapshot, [row(3, null)], t1);
    expect(second.rows.map((r) => [r.calls, r.plans])).toEqual([[2, null]]);
    // tracking switched on: no earlier value to take a difference from
    const third = diffSnapshot(probe, second.snapshot, [row(4, 7)], t2);
    expect(third.rows.map((r) => [r.calls, r.plans])).toEqual([[1, null]]);
  });

  it('keeps the top N deltas by execution time and sums the rest into "(others)"', () => {
    const probe = { ...getProbe('statements')!, deltaTopN: 2 };
    const rows = (calls: number) =>
      [1, 2, 3, 4].map((q) => ({
        queryid: String(q),
        userid: 1,
        dbid: 1,
        toplevel: true,
        calls,
        total_exec_time: q * calls,
      }));
    const t0 = new Date('2026-03-10T10:00:00Z');
    const first = diffSnapshot(probe, undefined, rows(1), t0);
    const next = diffSnapshot(probe, first.snapshot, rows(3), new Date(t0.getTime() + 60_000));
    expect(next.rows.map((r) => [r.queryid, r.calls, r.total_exec_time])).toEqual([
      ['4', 2, 8],
      ['3', 2, 6],
      [null, 4, 6],
    ]);
  });
});

describe.each(allMajors())('every probe on PostgreSQL %i', (major) => {
  let target: TestDatabase;
  let client: pg.Client;
  let ctx: ProbeContext;
  let results: Map<string, ProbeResult>;

  beforeAll(async () => {
    target = await freshDatabase(major, 'probe');
    await loadFixture(target.url);
    ({ client, ctx } = await probeSession(target.url));
    results = await runAll(client, ctx, PROBES);
  });
  afterAll(async () => {
    await client?.end();
    await target?.drop();
  });

  it('runs every probe: ok, or unavailable with the reason', () => {
    const summary = Object.fromEntries(
      [...results].map(([name, r]) => [
        name,
        r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`,
      ]),
    );
    for (const p of PROBES) {
      const since = SINCE[p.name];
      if (ABSENT_EXTENSIONS.includes(p.name)) {
        expect(summary[p.name]).toMatch(/^unavailable: extension \w+ is not installed/);
      } else if (since && major < since) {
        expect(summary[p.name]).toBe(`unavailable: needs PostgreSQL ${since} or later`);
      } else {
        expect(summary[p.name], p.name).toBe('ok');
      }
    }
  });

  it('reports the connection slots reserved from ordinary logins', async () => {
    const show = async (name: string) =>
      Number((await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name]);
    const expected =
      (await show('superuser_reserved_connections')) +
      (major >= 16 ? await show('reserved_connections') : 0);
    const r = results.get('activity_extremes');
    expect(r?.status === 'ok' && r.rows[0]?.reserved_connections).toBe(expected);
  });

  it('returns rows typed as declared', async () => {
    const rows = (name: string) => {
      const r = results.get(name);
      return r?.status === 'ok' ? r.rows : [];
    };
    expect(rows('server_info')[0]).toMatchObject({
      version_num: expect.any(Number),
      in_recovery: false,
      role: 'primary',
      start_time: expect.any(Date),
    });
    expect(rows('connectivity')[0]).toMatchObject({ up: true, rtt_ms: expect.any(Number) });
    // pg_stat_statements since its reset: JIT and temp I/O times from 15 (1.10), local
    // I/O times and JIT deform from 17 (1.11); absent ones NULL, never a wrong 0
    const detail = rows('statements_detail');
    expect(detail.length).toBeGreaterThan(0);
    expect(detail[0]).toMatchObject({
      calls: expect.any(Number),
      max_exec_time: expect.any(Number),
      wal_records: expect.any(Number),
    });
    const row0 = detail[0]!;
    if (major >= 15) expect(row0.jit_functions).toEqual(expect.any(Number));
    else expect(row0).toMatchObject({ jit_functions: null, temp_blk_read_time: null });
    if (major >= 17) expect(row0.local_blk_read_time).toEqual(expect.any(Number));
    else expect(row0).toMatchObject({ local_blk_read_time: null, jit_deform_count: null });
    // pg_buffercache: every buffer counted once by database and once by usage count (the
    // 16+ function and the 14/15 aggregate alike); the fixture's pages are in its database
    const nbuffers = Number(
      (
        await client.query<{ n: string }>(
          `SELECT setting AS n FROM pg_settings WHERE name = 'shared_buffers'`,
        )
      ).rows[0]!.n,
    );
    const sum = (name: string) => rows(name).reduce((n, r) => n + (r.buffers as number), 0);
    expect(sum('buffercache_databases')).toBe(nbuffers);
    expect(sum('buffercache_usage')).toBe(nbuffers);
    expect(
      rows('buffercache_databases').find((r) => r.datname === target.name)?.buffers,
    ).toBeGreaterThan(0);
    expect(rows('buffercache_usage').every((r) => (r.usage_count as number) <= 5)).toBe(true);
    const workers = rows('autovacuum_workers')[0];
    expect(workers).toMatchObject({ workers_running: expect.any(Number), autovacuum_on: true });
    expect(workers?.max_workers as number).toBeGreaterThan(0);
    const db = rows('database_stats').find((r) => r.datname === target.name);
    expect(db?.xact_commit).toEqual(expect.any(Number));
    const orders = rows('tables').find((r) => r.relname === 'orders');
    expect(orders).toMatchObject({ schemaname: 'public', n_dead_tup: expect.any(Number) });
    expect((orders?.heap_bytes as number) > 0).toBe(true);
    // 16+: the last sequential scan and updates that moved rows to a new page;
    // 18+: time spent vacuuming and analyzing (the fixture's ANALYZE)
    if (major >= 16) expect(orders?.last_seq_scan).toEqual(expect.any(Date));
    else expect(orders).toMatchObject({ last_seq_scan: null, n_tup_newpage_upd: null });
    if (major >= 18) expect(orders?.total_analyze_time as number).toBeGreaterThan(0);
    else expect(orders?.total_analyze_time).toBeNull();
    const events = rows('tables').find((r) => r.relname === 'events');
    expect(events).toMatchObject({ partitions: 3, n_tup_ins: 2000 });
    expect(rows('tables').some((r) => r.relname === 'events_2026')).toBe(false);
    // block I/O: the fixture's inserts went through shared buffers (hits), partitions summed
    const ordersIo = rows('table_io').find((r) => r.relname === 'orders');
    expect(ordersIo?.heap_blks_hit as number).toBeGreaterThan(0);
    expect(ordersIo?.idx_blks_hit as number).toBeGreaterThan(0);
    expect(rows('table_io').find((r) => r.relname === 'events')?.heap_blks_hit).toBeGreaterThan(0);
    expect(rows('table_io').some((r) => r.relname === 'events_2026')).toBe(false);
    const idxIo = rows('index_io').find((r) => r.indexrelname === 'orders_customer_idx');
    expect(idxIo).toMatchObject({ relname: 'orders' });
    expect(idxIo?.idx_blks_hit as number).toBeGreaterThan(0);
    const seqIo = rows('sequence_io').find((r) => r.relname === 'orders_id_seq');
    expect((seqIo?.blks_hit as number) + (seqIo?.blks_read as number)).toBeGreaterThan(0);
    expect(rows('index_health')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ indexrelname: 'orders_customer_dup_idx', issue: 'duplicate' }),
        expect.objectContaining({
          indexrelname: 'orders_note_lower_again_idx',
          issue: 'duplicate',
        }),
      ]),
    );
    expect(rows('tables_without_pk').map((r) => r.relname)).toEqual(
      expect.arrayContaining(['audit_trail', 'events']),
    );
    const seq = rows('sequences').find((r) => r.sequencename === 'orders_id_seq');
    expect(seq).toMatchObject({ column_type: 'integer', data_type: 'integer' });
    expect(rows('sequences').find((r) => r.sequencename === 'ticket_seq')?.last_value).toBe(1000);
    expect(rows('publications')).toEqual([
      expect.objectContaining({ pubname: 'orders_pub', tables: 1 }),
    ]);
    expect(rows('settings').length).toBeGreaterThan(200);
    expect(rows('extensions').map((r) => r.extname)).toContain('pg_stat_statements');
    expect(rows('statements').length).toBeGreaterThan(0);
    expect(rows('schema_snapshot').map((r) => r.name)).toEqual(
      expect.arrayContaining(['orders', 'big_orders', 'add_one(integer)']),
    );
    expect(rows('wraparound').find((r) => r.datname === target.name)?.xid_age).toEqual(
      expect.any(Number),
    );
  });

  it('marks its statements so top-query views can hide them', async () => {
    const marked = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_statements(true)
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND query LIKE '%pg_postmaster_start_time%' AND query NOT LIKE '%pgvigil:server_info%'`,
    );
    expect(marked.rows[0]?.n).toBe(0);
    const probed = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_statements(true)
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND query LIKE '%pgvigil:tables%'`,
    );
    expect(probed.rows[0]?.n).toBeGreaterThan(0);
  });

  it('reports a probe that exceeds its statement_timeout as a failed value', async () => {
    const slow = { ...getProbe('server_info')!, timeoutMs: 50 };
    slow.sql = [{ minVersion: 0, sql: 'SELECT pg_sleep(1) AS version' }];
    const r = await runProbe(client, slow, ctx);
    expect(r).toMatchObject({ status: 'failed', sqlState: '57014' });
    // the session is still usable afterwards
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('SQL variants', () => {
  // helper variants (whenHas) run in least-privilege.test.ts, where the helpers are installed
  it('every variant is the one chosen on some supported major, so a suite runs it', () => {
    const unreached = PROBES.flatMap((p) =>
      p.sql
        .filter(
          (v) =>
            !SUPPORTED_MAJORS.some((m) =>
              ['0', '99'].some((ext) =>
                [new Set<never>(), new Set(PROBE_PRIVILEGES)].some(
                  (has) => selectSql(p, m * 10000, ext, has) === v,
                ),
              ),
            ),
        )
        .map((v) => `${p.name}@${v.minVersion}`),
    );
    expect(unreached).toEqual([]);
  });
});
