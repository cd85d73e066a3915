// Seeds a datastore for the dashboard benchmark: SERVERS servers with every probe the
// fleet and server pages read, at the probes' real default intervals, plus one database
// with 1,000 tables (the tables / indexes probes' "top N + (others)" rows) on the first
// server. Rows are generated in SQL (INSERT ... SELECT FROM generate_series), one day of
// one probe per statement, then rolled up with the collector's own refreshRollup.
// Seeding is by time range, so a kept datastore is topped up to "now" instead of re-seeded.
import { ensurePartitions, ident, type Db } from '@pgvigil/db';
import {
  ensureMetricTable,
  refreshRollup,
  rollupLevels,
  rollupTable,
  ROLLUP_SECONDS,
} from '@pgvigil/db/metrics';
import { getProbe, type ProbeDefinition } from '@pgvigil/probes';
import { seedSql, type KeyRow } from './dashboard-rows';

const DAY = 86_400_000;

/** A probe, the servers it is seeded for, and the rows of one sample (key values and weight). */
interface Shape {
  probe: ProbeDefinition;
  keys: KeyRow[];
  /** only the focus server (the one with 1,000 tables) */
  focusOnly?: boolean;
  database?: string;
}

const one: KeyRow[] = [{ i: 1, w: 1 }];

/** The focus server's `app` database: 1,000 tables, of which a sample keeps the largest N plus "(others)". */
function topN(count: number, n: number, name: (i: number) => Record<string, string>): KeyRow[] {
  const rows: KeyRow[] = Array.from({ length: n }, (_, k) => ({
    i: k + 1,
    w: 1 / (k + 1),
    schemaname: 'public',
    ...name(k + 1),
  }));
  let rest = 0;
  for (let k = n + 1; k <= count; k++) rest += 1 / k;
  rows.push({ i: n + 1, w: rest, schemaname: '(others)', ...name(0) });
  return rows;
}

export const TABLES = 1000;
const relname = (i: number) => (i ? `t${String(i).padStart(4, '0')}` : '(others)');
const table = (i: number) => ({ relname: relname(i) });

/** The focus server's statements: the collector keeps the top 50 of each run and "(others)". */
export const STATEMENTS = 50;
/** Statement `i`'s queryid (1 is the busiest): a signed 64-bit hash, as text. */
export const queryidOf = (i: number) =>
  String(((BigInt(i) * 0x9e3779b97f4a7c15n) % (1n << 64n)) - (1n << 63n));
/** Its normalized text, as query_texts stores it. */
export const statementText = (i: number) =>
  i % 3 === 0
    ? `UPDATE ${relname(i)} SET n = n + $1, updated_at = now() WHERE id = $2`
    : `SELECT id, n, payload FROM ${relname(i)} WHERE id = $1 AND updated_at > $2 ORDER BY id LIMIT $3`;
const statementKeys = (others: boolean): KeyRow[] => {
  const rows: KeyRow[] = Array.from({ length: STATEMENTS }, (_, k) => ({
    i: k + 1,
    w: 1 / (k + 1),
    queryid: queryidOf(k + 1),
    userid: 16385,
    dbid: 16384,
    toplevel: true,
  }));
  // "(others)": NULL keys, every statement beyond the top 50 together
  if (others)
    rows.push({
      i: STATEMENTS + 1,
      w: 1.5,
      queryid: null,
      userid: null,
      dbid: null,
      toplevel: null,
    });
  return rows;
};
/** The probes of pg_stat_statements, seeded for the focus server (the query page). */
export const STATEMENT_PROBES = ['statements', 'statements_detail'];

function shapes(): Shape[] {
  const p = (name: string) => {
    const probe = getProbe(name);
    if (!probe) throw new Error(`no probe ${name}`);
    return probe;
  };
  const io = [
    ['client backend', 'relation', 'normal', 1],
    ['client backend', 'relation', 'bulkread', 0.3],
    ['client backend', 'relation', 'bulkwrite', 0.1],
    ['client backend', 'relation', 'vacuum', 0.05],
    ['client backend', 'temp relation', 'normal', 0.05],
    ['autovacuum worker', 'relation', 'normal', 0.1],
    ['autovacuum worker', 'relation', 'vacuum', 0.2],
    ['background writer', 'relation', 'normal', 0.1],
    ['checkpointer', 'relation', 'normal', 0.2],
    ['walsender', 'relation', 'normal', 0.01],
    ['startup', 'relation', 'normal', 0.01],
    ['standalone backend', 'relation', 'normal', 0.01],
  ] as const;
  return [
    {
      probe: p('database_stats'),
      keys: [
        { i: 1, w: 1, datname: 'app' },
        { i: 2, w: 0.05, datname: 'postgres' },
        { i: 3, w: 0.01, datname: '(shared)' },
      ],
    },
    {
      probe: p('activity_summary'),
      keys: [
        { i: 1, w: 1, state: 'active', wait_event_type: 'none' },
        { i: 2, w: 0.3, state: 'active', wait_event_type: 'IO' },
        { i: 3, w: 3, state: 'idle', wait_event_type: 'Client' },
        { i: 4, w: 0.2, state: 'idle in transaction', wait_event_type: 'Client' },
      ],
    },
    { probe: p('activity_extremes'), keys: one },
    { probe: p('wal'), keys: one },
    { probe: p('checkpointer'), keys: one },
    { probe: p('bgwriter'), keys: one },
    {
      probe: p('io'),
      keys: io.map(([backend_type, object, context, w], k) => ({
        i: k + 1,
        w,
        backend_type,
        object,
        context,
      })),
    },
    {
      probe: p('replication'),
      keys: [{ i: 1, w: 1, application_name: 'standby1', client_addr: '127.0.0.2' }],
    },
    { probe: p('tables'), keys: topN(TABLES, 200, table), focusOnly: true, database: 'app' },
    {
      probe: p('indexes'),
      keys: topN(2 * TABLES, 300, (i) => ({
        indexrelname: i ? `${relname(i)}_pkey` : '(others)',
        relname: relname(i),
      })),
      focusOnly: true,
      database: 'app',
    },
    { probe: p('table_bloat'), keys: topN(TABLES, 100, table), focusOnly: true, database: 'app' },
    { probe: p('statements'), keys: statementKeys(true), focusOnly: true },
    { probe: p('statements_detail'), keys: statementKeys(false), focusOnly: true },
  ];
}

/** Registers `count` servers (in clusters of 4) as up; returns their ids, the focus server first. */
export async function seedServers(db: Db, count: number): Promise<number[]> {
  await db.query(
    `INSERT INTO clusters (name, environment)
     SELECT 'cluster-' || lpad(c::text, 3, '0'), (ARRAY['production', 'staging', 'development'])[1 + c % 3]
       FROM generate_series(1, ceil($1 / 4.0)::int) c`,
    [count],
  );
  const rows = await db.query<{ id: number }>(
    `INSERT INTO servers (name, cluster_id, environment, tags, host, port, username)
     SELECT 'bench-' || lpad(s::text, 3, '0'), c.id, c.environment,
            ARRAY['team-' || (s % 5)], '127.0.0.1', 5432, 'pgvigil'
       FROM generate_series(1, $1) s
       JOIN clusters c ON c.name = 'cluster-' || lpad(((s + 3) / 4)::text, 3, '0')
      ORDER BY s
     RETURNING id`,
    [count],
  );
  await db.query(
    `INSERT INTO server_status (server_id, state, server_version_num, since, checked_at, collector_id)
     SELECT id, 'up', 180001, now() - interval '40 days', now(), 'bench' FROM servers`,
  );
  return rows.map((r) => r.id);
}

/**
 * Writes every shape's samples in [from, to) for `servers` (focus-only shapes: the first
 * server) and rolls up the buckets they complete. Two sessions work in parallel, each on
 * whole probes, so a probe's days are written in order and each rollup sees the sample
 * before it.
 */
export async function seedRange(
  db: Db,
  servers: number[],
  from: Date,
  to: Date,
  progress: (line: string) => void = () => undefined,
  /** only these probes (a phase added to a kept store) */
  only?: readonly string[],
): Promise<number> {
  const queue = shapes().filter((s) => !only || only.includes(s.probe.name));
  let rows = 0;
  const days: Date[] = [];
  for (let t = Math.floor(from.getTime() / DAY) * DAY; t < to.getTime(); t += DAY) {
    days.push(new Date(t));
  }
  const worker = async () => {
    for (let shape = queue.shift(); shape; shape = queue.shift()) {
      const ids = shape.focusOnly ? servers.slice(0, 1) : servers;
      const tables = [
        shape.probe.name,
        ...rollupLevels(shape.probe).map((l) => rollupTable(shape.probe.name, l)),
      ];
      await ensureMetricTable(db, shape.probe, days[0]!);
      for (const day of days) {
        for (const t of tables) await ensurePartitions(db, t, day, 0);
        const a = new Date(Math.max(day.getTime(), from.getTime()));
        const b = new Date(Math.min(day.getTime() + DAY, to.getTime()));
        const { text, values } = seedSql(shape.probe, shape.keys, ids, a, b, shape.database);
        const [r] = await db.query<{ n: number }>(text, values);
        rows += r?.n ?? 0;
        for (const level of rollupLevels(shape.probe)) {
          const size = ROLLUP_SECONDS[level] * 1000;
          await refreshRollup(db, shape.probe, level, {
            from: new Date(Math.floor(a.getTime() / size) * size),
            to: new Date(Math.floor(b.getTime() / size) * size),
          });
        }
        progress(`${shape.probe.name} ${day.toISOString().slice(0, 10)}: ${rows} rows`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return rows;
}

/**
 * Fills the rollups of the servers other than `focus` back to `from`, by copying their
 * rollup rows of [template, template + span) (computed by the collector's refreshRollup
 * from raw rows) one, two, ... spans back.
 */
export async function replicateRollups(
  db: Db,
  focus: number,
  template: Date,
  spanMs: number,
  from: Date,
): Promise<number> {
  let rows = 0;
  const copies = Math.ceil((template.getTime() - from.getTime()) / spanMs);
  const queue = shapes().filter((s) => !s.focusOnly);
  const worker = async () => {
    for (let shape = queue.shift(); shape; shape = queue.shift()) {
      for (const level of rollupLevels(shape.probe)) {
        const table = ident(rollupTable(shape.probe.name, level));
        const cols = await db.query<{ name: string }>(
          `SELECT attname AS name FROM pg_attribute
            WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
          [`metrics.${table}`],
        );
        const names = cols.map((c) => c.name);
        const select = names.map((n) =>
          n === 'collected_at' ? `collected_at - k * $4::interval` : ident(n),
        );
        const [r] = await db.query<{ n: number }>(
          `WITH ins AS (
             INSERT INTO metrics.${table} (${names.map(ident).join(', ')})
             SELECT ${select.join(', ')}
               FROM metrics.${table} CROSS JOIN generate_series(1, $5::int) k
              WHERE server_id <> $1 AND collected_at >= $2 AND collected_at < $3
                AND collected_at - k * $4::interval >= $6
             RETURNING 1)
           SELECT count(*)::int AS n FROM ins`,
          [
            focus,
            template,
            new Date(template.getTime() + spanMs),
            `${spanMs / 1000} seconds`,
            copies,
            from,
          ],
        );
        rows += r?.n ?? 0;
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return rows;
}

/**
 * The focus server's pg_stat_statements samples (and their rollups) up to `to`, from each
 * probe's newest run on (from `start` in a store seeded before they were), and the
 * statements' texts. Idempotent: a store that has them only gets what a top-up of older
 * code left out. Benches attached to one shared store may run it at once: one writes, under
 * an advisory lock held for the whole catch-up, the others then find nothing left to do.
 */
export async function catchUpStatements(
  db: Db,
  focus: number,
  start: Date,
  to: Date,
  progress: (line: string) => void = () => undefined,
): Promise<number> {
  return db.tx(async (lock) => {
    await lock.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['pgvigil.bench.statements']);
    const counts = await Promise.all(
      STATEMENT_PROBES.map(async (name) => {
        const [exists] = await db.query<{ ok: boolean }>(
          'SELECT to_regclass($1) IS NOT NULL AS ok',
          [`metrics.${name}`],
        );
        const [t] = exists?.ok
          ? await db.query<{ newest: Date | null }>(
              `SELECT max(collected_at) AS newest FROM metrics.${ident(name)} WHERE server_id = $1`,
              [focus],
            )
          : [];
        // the newest run's grid point is before newest + 1 s: the next one is the first due
        const from = t?.newest ? new Date(t.newest.getTime() + 1000) : start;
        return from < to ? seedRange(db, [focus], from, to, progress, [name]) : 0;
      }),
    );
    await db.query(
      `INSERT INTO query_texts (server_id, queryid, query, first_seen)
       SELECT $1, q.id::bigint, q.text, $4 FROM unnest($2::text[], $3::text[]) AS q(id, text)
       ON CONFLICT DO NOTHING`,
      [
        focus,
        Array.from({ length: STATEMENTS }, (_, k) => queryidOf(k + 1)),
        Array.from({ length: STATEMENTS }, (_, k) => statementText(k + 1)),
        start,
      ],
    );
    return counts.reduce((a, b) => a + b, 0);
  });
}
