import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getIndexDetail,
  getTableDetail,
  listDatabaseFindings,
  listDatabaseIndexes,
  listDatabaseTables,
  listSchemaChanges,
  pageDatabaseIndexes,
  pageDatabaseTables,
  readChart,
} from '@pgvigil/db/dashboard';
import { ensureMetricTable, writeSamples, type MetricSpec } from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const t0 = new Date('2026-03-10T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

const spec = (name: string, keys: string[], columns: MetricSpec['columns']): MetricSpec => ({
  name,
  scope: 'database',
  intervalSeconds: 600,
  retentionDays: 7,
  changeTracked: name === 'schema_snapshot',
  columns: [...keys.map((k) => ({ name: k, type: 'text' as const, key: true })), ...columns],
});
const big = (name: string) => ({ name, type: 'bigint' as const });
const tables = spec(
  'tables',
  ['schemaname', 'relname'],
  [
    { name: 'seq_scan', type: 'bigint', counter: true },
    { name: 'idx_scan', type: 'bigint', counter: true },
    big('n_dead_tup'),
    big('heap_bytes'),
    { name: 'last_autovacuum', type: 'timestamptz' },
  ],
);
const indexes = spec(
  'indexes',
  ['schemaname', 'indexrelname'],
  [
    { name: 'relname', type: 'text' },
    { name: 'idx_scan', type: 'bigint', counter: true },
    big('size_bytes'),
    { name: 'is_valid', type: 'boolean' },
  ],
);
const health = spec(
  'index_health',
  ['schemaname', 'indexrelname', 'issue'],
  [{ name: 'detail', type: 'text' }],
);
const bloat = spec(
  'table_bloat',
  ['schemaname', 'relname'],
  [big('bloat_bytes'), { name: 'bloat_pct', type: 'double' }],
);
const noPk = spec('tables_without_pk', ['schemaname', 'relname'], [big('estimated_rows')]);
const seqs = spec(
  'sequences',
  ['schemaname', 'sequencename'],
  [
    { name: 'used_pct', type: 'double' },
    { name: 'column_used_pct', type: 'double' },
  ],
);
const snapshot = spec(
  'schema_snapshot',
  ['schemaname', 'name', 'kind'],
  [{ name: 'definition_md5', type: 'text' }],
);

describe.each(testMajors())('dashboard table and index reads on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  let serverId: number;
  const base = () => ({ serverId, database: 'app' });
  beforeAll(async () => {
    ds = await freshDatastore(major);
    const [s] = await ds.db.query<{ id: number }>(
      `INSERT INTO servers (name, host, username) VALUES ('db', '10.0.0.1', 'pgvigil') RETURNING id`,
    );
    serverId = s!.id;
    for (const m of [tables, indexes, health, bloat, noPk, seqs, snapshot]) {
      await ensureMetricTable(ds.db, m, t0);
    }
    const sample = (m: MetricSpec, minute: number, rows: Record<string, unknown>[]) => ({
      spec: m,
      samples: [{ collectedAt: at(minute), serverId, database: 'app', rows }],
    });
    const vac = at(-60);
    const t = (relname: string, seq: number, dead: number, heap: number, v: Date | null) => ({
      schemaname: 'public',
      relname,
      seq_scan: seq,
      idx_scan: 0,
      n_dead_tup: dead,
      heap_bytes: heap,
      last_autovacuum: v,
    });
    const ix = (name: string, relname: string, scans: number, size: number) => ({
      schemaname: 'public',
      indexrelname: name,
      relname,
      idx_scan: scans,
      size_bytes: size,
      is_valid: true,
    });
    const snap = (orders: string) => [
      { schemaname: 'public', name: 'orders', kind: 'table', definition_md5: orders },
      { schemaname: 'public', name: 'audit', kind: 'table', definition_md5: 'a' },
    ];
    await writeSamples(ds.db, [
      sample(tables, 0, [t('orders', 0, 5, 9000, vac), t('audit', 0, 900, 100, null)]),
      sample(tables, 10, [t('orders', 600, 5, 9000, vac), t('audit', 60, 900, 100, null)]),
      sample(indexes, 0, [ix('orders_pkey', 'orders', 0, 500), ix('orders_x', 'orders', 0, 800)]),
      sample(indexes, 10, [
        ix('orders_pkey', 'orders', 1200, 500),
        ix('orders_x', 'orders', 0, 800),
      ]),
      sample(health, 10, [
        { schemaname: 'public', indexrelname: 'orders_x', issue: 'unused', detail: 'no scans' },
        { schemaname: 'public', indexrelname: 'orders_x', issue: 'duplicate', detail: 'same as y' },
      ]),
      sample(bloat, 10, [
        { schemaname: 'public', relname: 'audit', bloat_bytes: 50, bloat_pct: 50 },
      ]),
      sample(noPk, 10, [{ schemaname: 'public', relname: 'audit', estimated_rows: 7 }]),
      sample(seqs, 10, [
        { schemaname: 'public', sequencename: 'a_seq', used_pct: 1, column_used_pct: 80 },
        { schemaname: 'public', sequencename: 'b_seq', used_pct: 2, column_used_pct: null },
      ]),
      sample(snapshot, 0, snap('v1')),
      sample(snapshot, 5, snap('v1').slice(0, 1)),
      sample(snapshot, 10, snap('v2').slice(0, 1)),
    ]);
    await ds.db.query(
      `INSERT INTO rules (key, name, kind) VALUES ('table_bloat', 'Table bloat', 'builtin')`,
    );
    await ds.db.query(
      `INSERT INTO alerts (rule_id, server_id, database_name, object_key, fingerprint, state,
                           severity, message, started_at, fired_at)
       SELECT id, $1, 'app', k, k, 'firing', 'warning', 'bloated', $2, $2
         FROM rules, unnest(ARRAY['public.audit', 'public.orders_x']) k`,
      [serverId, at(-5)],
    );
  });
  afterAll(() => ds?.drop());

  it('sorts tables by size, scans, dead tuples, bloat and last vacuum', async () => {
    const order = async (sort: string) =>
      (await listDatabaseTables({ db: ds.db, input: { ...base(), sort }, at: at(20) })).map(
        (x) => x.relname,
      );
    expect(await order('size')).toEqual(['orders', 'audit']);
    expect(await order('scans')).toEqual(['orders', 'audit']);
    expect(await order('dead')).toEqual(['audit', 'orders']);
    expect(await order('bloat')).toEqual(['audit', 'orders']);
    // never vacuumed comes first: it is the one to look at
    expect(await order('vacuum')).toEqual(['audit', 'orders']);
    expect(await order('nonsense')).toEqual(['orders', 'audit']);
    const [audit] = (
      await listDatabaseTables({ db: ds.db, input: { ...base(), sort: 'dead' }, at: at(20) })
    ).slice(0, 1);
    expect(audit).toMatchObject({ bloatBytes: 50, hasPrimaryKey: false, seqScansPerSecond: 0.1 });
  });

  it('lists indexes with scan rates and unused / duplicate flags', async () => {
    const list = await listDatabaseIndexes({ db: ds.db, input: base(), at: at(20) });
    expect(
      list.map((i) => [i.indexrelname, i.scansPerSecond, i.issues.map((x) => x.issue)]),
    ).toEqual([
      ['orders_x', 0, ['unused', 'duplicate']],
      ['orders_pkey', 2, []],
    ]);
  });

  it('pages tables and indexes in their order, counts them, filters by name', async () => {
    const big = { serverId, database: 'big' };
    const n = Array.from({ length: 120 }, (_, k) => `t${String(k + 1).padStart(3, '0')}`);
    const table = (relname: string, heap: number) => ({
      ...{ schemaname: relname === '(others)' ? relname : 'public', relname },
      ...{ seq_scan: 0, idx_scan: 0, n_dead_tup: 0, heap_bytes: heap, last_autovacuum: null },
    });
    const index = (name: string, relname: string, size: number) => ({
      ...{ schemaname: 'public', indexrelname: name, relname },
      ...{ idx_scan: 0, size_bytes: size, is_valid: true },
    });
    const rows = {
      tables: [...n.map((r, k) => table(r, k + 1)), table('(others)', 1e9)],
      indexes: [...n.map((r, k) => index(`${r}_pkey`, r, k + 1)), index('lookup', 't007', 0)],
    };
    await writeSamples(
      ds.db,
      [tables, indexes].map((m) => ({
        spec: m,
        samples: [
          { collectedAt: at(10), serverId, database: 'big', rows: rows[m.name as 'tables'] },
        ],
      })),
    );
    const tablePage = (page: unknown, name?: string) =>
      pageDatabaseTables({ db: ds.db, input: { ...big, sort: 'size', page, name }, at: at(20) });
    const names = (p: { rows: { relname: string }[] }) => p.rows.map((r) => r.relname);

    const pages = await Promise.all([1, 2, 3].map((p) => tablePage(String(p))));
    // "(others)" (the largest sum) keeps its place in the size order
    expect(pages.flatMap(names)).toEqual(['(others)', ...n.toReversed()]);
    expect(pages.map((p) => [p.page, p.pages, p.first, p.rows.length, p.matched, p.total])).toEqual(
      [
        [1, 3, 1, 50, 121, 121],
        [2, 3, 51, 50, 121, 121],
        [3, 3, 101, 21, 121, 121],
      ],
    );
    // a page from a URL that is not a page: the first one; past the end: the last one
    for (const bad of ['abc', '0', '-2', '2.5', '', undefined]) {
      expect((await tablePage(bad)).page).toBe(1);
    }
    expect(names(await tablePage('99'))).toEqual(names(pages[2]!));

    const filtered = await tablePage('1', ' PUBLIC.T01');
    expect(names(filtered)).toEqual(n.slice(9, 19).toReversed());
    expect([filtered.matched, filtered.total, filtered.pages]).toEqual([10, 121, 1]);
    expect(await tablePage('1', 'others')).toMatchObject({ rows: [], first: 0, matched: 0 });

    const indexPage = (page: string, name?: string) =>
      pageDatabaseIndexes({ db: ds.db, input: { ...big, page, name, size: 100 }, at: at(20) });
    const second = await indexPage('2');
    expect([second.first, second.rows.length, second.matched]).toEqual([101, 21, 121]);
    expect(second.rows.at(-1)!.indexrelname).toBe('lookup');
    // an index matches by its table's name too
    expect((await indexPage('1', 't007')).rows.map((i) => i.indexrelname)).toEqual([
      't007_pkey',
      'lookup',
    ]);
  });

  it('diffs schema snapshots into DDL events, the first snapshot being a baseline', async () => {
    const changes = await listSchemaChanges({ db: ds.db, input: base() });
    expect(changes.map((c) => [c.seenAt.toISOString(), c.name, c.change])).toEqual([
      [at(10).toISOString(), 'orders', 'altered'],
      [at(5).toISOString(), 'audit', 'dropped'],
    ]);
    const orders = await listSchemaChanges({
      db: ds.db,
      input: { ...base(), schema: 'public', name: 'orders' },
    });
    expect(orders).toHaveLength(1);
  });

  it('gives sequences worst first and tables without a primary key', async () => {
    const f = await listDatabaseFindings({ db: ds.db, input: base(), at: at(20) });
    expect(f.sequences.map((s) => [s.sequencename, s.usedPct])).toEqual([
      ['a_seq', 80],
      ['b_seq', 2],
    ]);
    expect(f.withoutPk).toEqual([
      { schemaname: 'public', relname: 'audit', replicaIdentity: null, estimatedRows: 7 },
    ]);
  });

  it('details one table and one index with the alerts about them, 404 for unknown ones', async () => {
    const input = { ...base(), schema: 'public', name: 'audit' };
    const audit = await getTableDetail({ db: ds.db, input, at: at(20) });
    expect(audit.alerts.map((a) => a.objectKey)).toEqual(['public.audit']);
    expect(audit.indexes).toEqual([]);
    const orders = await getTableDetail({
      db: ds.db,
      input: { ...input, name: 'orders' },
      at: at(20),
    });
    expect(orders.indexes.map((i) => i.indexrelname)).toEqual(['orders_x', 'orders_pkey']);
    expect(orders.alerts).toEqual([]);
    const x = await getIndexDetail({
      db: ds.db,
      input: { ...input, name: 'orders_x' },
      at: at(20),
    });
    expect(x.alerts.map((a) => a.message)).toEqual(['bloated']);
    await expect(
      getTableDetail({ db: ds.db, input: { ...input, name: 'nope' }, at: at(20) }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('charts one table: its own rows only, and refuses a table chart without the table', async () => {
    const chart = await readChart({
      db: ds.db,
      input: {
        serverId,
        chart: 'table_scans',
        database: 'app',
        schema: 'public',
        object: 'orders',
        from: at(5),
        to: at(15),
      },
    });
    expect(chart.rows).toEqual([{ t: at(10).getTime(), seq_scan: 1, idx_scan: 0 }]);
    // one sample in the window: no rate yet, and the reason names the 10-minute cadence
    const early = await readChart({
      db: ds.db,
      input: {
        serverId,
        chart: 'table_scans',
        database: 'app',
        schema: 'public',
        object: 'orders',
        from: at(-5),
        to: at(5),
      },
    });
    expect(early).toMatchObject({
      available: false,
      reason: expect.stringContaining('10 minutes'),
    });
    await expect(
      readChart({ db: ds.db, input: { serverId, chart: 'table_scans', from: at(5), to: at(15) } }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
