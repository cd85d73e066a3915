// The fleet view at BENCH_FLEET_SERVERS (1,000) servers: the fleet read in process, the
// fleet API over HTTP (`next start`, API token) and the fleet page in Chromium, from
// navigation to its first page of servers drawn. The datastore holds what they read:
// 1,000 servers in 250 clusters of every environment, 2 % of them down, 5 % with open
// alerts and ten resolved ones each, and two hours of the samples the fleet's numbers
// come from (database_stats for 3 databases, activity_extremes) at their intervals.
// Targets: API p95 under 150 ms, the page drawn in under 2 s.
//   npx tsx scripts/bench/dashboard-fleet.ts
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumAvailable, chromiumPath } from '@pgvigil/e2e/chromium';
import { syncCatalog } from '@pgvigil/alerting';
import { createDb, ident, migrate, type Db } from '@pgvigil/db';
import { listFleet } from '@pgvigil/db/dashboard';
import { startEmbedded } from '@pgvigil/db/embedded';
import { ensureMetricTable, tableColumns, writeSamples } from '@pgvigil/db/metrics';
import { getProbe } from '@pgvigil/probes';
import { RANGES, renderPages, withWebApp } from './dashboard-web';
import { fmt, fmtMs, percentiles } from './lib';

const SERVERS = Number(process.env.BENCH_FLEET_SERVERS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
// 20: a p95 of 10 loads is nearly the slowest one
const RENDER_RUNS = Number(process.env.BENCH_RENDER_RUNS ?? 20);
const HOUR = 3_600_000;

async function seed(db: Db): Promise<void> {
  await syncCatalog(db);
  await db.query(
    `INSERT INTO clusters (name, environment)
     SELECT 'cluster-' || g, (ARRAY['production', 'staging', 'development'])[1 + g % 3]
       FROM generate_series(1, $1::int) g`,
    [Math.ceil(SERVERS / 4)],
  );
  await db.query(
    `INSERT INTO servers (name, host, username, cluster_id, environment, tags)
     SELECT 'pg-' || lpad(g::text, 4, '0'), 'db' || g || '.example.internal', 'pgvigil',
            c.id, c.environment, ARRAY['team-' || (g % 7)]
       FROM generate_series(1, $1::int) g
       JOIN (SELECT id, environment, row_number() OVER (ORDER BY id) AS n FROM clusters) c
         ON c.n = (g - 1) / 4 + 1`,
    [SERVERS],
  );
  await db.query(
    `INSERT INTO server_status (server_id, state, error_code, since, checked_at, collector_id)
     SELECT id, CASE WHEN id % 50 = 0 THEN 'down' ELSE 'up' END,
            CASE WHEN id % 50 = 0 THEN 'connection_refused' END, now() - interval '1 hour', now(), 'bench'
       FROM servers`,
  );
  const rules = await db.query<{ id: number; key: string }>('SELECT id, key FROM rules');
  const rule = (key: string) => rules.find((r) => r.key === key)!.id;
  // ten resolved alerts per server, and one or two open ones on every twentieth
  await db.query(
    `INSERT INTO alerts (rule_id, server_id, fingerprint, state, severity, started_at, fired_at, resolved_at)
     SELECT $1, s.id, 'resolved-' || s.id || '-' || k, 'resolved', 'warning',
            now() - k * interval '1 day', now() - k * interval '1 day', now() - k * interval '1 day' + interval '1 hour'
       FROM servers s CROSS JOIN generate_series(1, 10) k`,
    [rule('long_query')],
  );
  for (const [key, severity, every] of [
    ['connections_used', 'warning', 20],
    ['replication_lag_bytes', 'critical', 40],
  ] as const) {
    await db.query(
      `INSERT INTO alerts (rule_id, server_id, fingerprint, state, severity, fired_at)
       SELECT $1, id, $2 || '-' || id, 'firing', $3, now() FROM servers WHERE id % $4 = 0`,
      [rule(key), key, severity, every],
    );
  }
  // two hours of the samples the fleet's rates and headroom come from, for every server
  const end = new Date();
  for (const [name, rows] of [
    [
      'database_stats',
      ['app', 'postgres', '(shared)'].map((datname, i) => ({
        datname,
        numbackends: 10 - 4 * i,
        xact_commit: 1_000_000 * (3 - i),
        xact_rollback: 1000,
        blks_hit: 50_000_000,
        blks_read: 100_000,
      })),
    ],
    [
      'activity_extremes',
      [{ total_sessions: 40, active_sessions: 3, max_connections: 100, connections_used_pct: 40 }],
    ],
  ] as const) {
    const probe = getProbe(name)!;
    await ensureMetricTable(db, probe, end);
    await writeSamples(db, [
      {
        spec: probe,
        samples: [{ collectedAt: end, serverId: 1, rows: rows.map((r) => ({ ...r })) }],
      },
    ]);
    const cols = tableColumns(probe);
    const runs = Math.floor((2 * HOUR) / (probe.intervalSeconds * 1000));
    const expr = (c: string) =>
      c === 'collected_at'
        ? `collected_at - k * $2::interval`
        : c === 'server_id'
          ? 's.id'
          : probe.columns.find((x) => x.name === c)?.counter
            ? `${ident(c)} - k * 600`
            : ident(c);
    await db.query(
      `INSERT INTO metrics.${ident(name)} (${cols.map(ident).join(', ')})
       SELECT ${cols.map(expr).join(', ')}
         FROM metrics.${ident(name)} m CROSS JOIN generate_series(0, $3::int) k CROSS JOIN servers s
        WHERE m.server_id = 1 AND m.collected_at = $1 AND (s.id > 1 OR k > 0)`,
      [end, `${probe.intervalSeconds} seconds`, runs],
    );
  }
  await db.query('VACUUM ANALYZE');
}

export async function benchDashboardFleet(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-fleet-view-'));
  await chmod(dir, 0o755);
  const server = await startEmbedded({
    dataDir: path.join(dir, 'data'),
    major: 18,
    superuserPassword: 'bench',
    settings: {},
  });
  const url = server.url('postgres');
  const db = createDb({ url, applicationName: 'pgvigil-bench', statementTimeoutMs: 600_000 });
  try {
    await migrate(db);
    const t = performance.now();
    await seed(db);
    console.log(
      `dashboard fleet: ${fmt(SERVERS)} servers in ${fmt(Math.ceil(SERVERS / 4))} clusters, seeded in ${fmt((performance.now() - t) / 1000)} s`,
    );
    const reads = {
      'first page by health (50)': { sort: 'severity', dir: 'desc', limit: 50 },
      'page 10 by name': { sort: 'name', dir: 'asc', limit: 50, offset: 450 },
      'search "pg-012" (11 servers)': { q: 'pg-012', limit: 50 },
      'staging only, by alerts': { environment: 'staging', sort: 'alerts', limit: 50 },
    } as const;
    console.log('in process (listFleet):');
    for (const [label, input] of Object.entries(reads)) {
      const p = await percentiles(RUNS, () => listFleet({ db, input, at: new Date() }));
      console.log(`  ${label}: ${fmtMs(p)}`);
    }
    await withWebApp(url, dir, async (base, token, servedBy) => {
      console.log('over HTTP (next start, API token):');
      for (const [label, input] of Object.entries(reads)) {
        // the API pages by `limit` and an opaque `cursor` (an offset, as the web app encodes it)
        const q = new URLSearchParams(
          Object.entries(input).map(([k, v]) =>
            k === 'offset'
              ? ['cursor', Buffer.from(JSON.stringify({ offset: v })).toString('base64url')]
              : [k, String(v)],
          ),
        );
        const p = await percentiles(RUNS, async () => {
          const res = await fetch(`${base}/api/v1/fleet?${q}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          if (!res.ok) throw new Error(`fleet: ${res.status}`);
          return res.json();
        });
        console.log(`  GET /api/v1/fleet, ${label}: ${fmtMs(p)} (target p95 < 150 ms)`);
      }
      if (!chromiumAvailable()) {
        console.log(`in Chromium: skipped, no browser at ${chromiumPath()} (set PGVIGIL_CHROMIUM)`);
        return;
      }
      console.log(`in Chromium (navigation to the page drawn, ${RENDER_RUNS} runs each):`);
      await renderPages(
        base,
        [
          {
            name: `fleet (first 50 of ${fmt(SERVERS)} servers)`,
            path: '/',
            rows: 50,
            unranged: true,
          },
          { name: 'alerts', path: '/alerts', unranged: true },
        ],
        RANGES,
        servedBy,
      );
    });
  } finally {
    await db.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDashboardFleet();
