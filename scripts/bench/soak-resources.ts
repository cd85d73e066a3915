// What the soak watches over time: each process's resident memory and the sessions
// pgvigil holds on its datastore and on the watched servers; and at the end, how much
// memory grew per hour and whether any session outlived its pool's cap.
import pg from 'pg';
import type { EmbeddedServer } from '@pgvigil/db/embedded';
import { rssMb, slopePerHour, type AppName, type Platform } from './platform';

type Process = AppName | 'supervisor';
interface Point {
  at: number;
  mb: number;
  pid: number;
}
interface Sessions {
  at: number;
  datastore: Record<string, number> | null;
  watched: number;
}

/** Each app's datastore pool (and the alerter's leadership session): more is a leak. */
export const POOL_CAPS: Record<string, number> = {
  'pgvigil-collector': 4,
  'pgvigil-alerter': 5,
  'pgvigil-web': 10,
};
/** sessions pgvigil may hold on one monitored server */
const PER_SERVER_CAP = 2;

async function count<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[] | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return (await c.query<T>(sql)).rows;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export function resourceSampler(
  platform: Platform,
  watched: () => readonly EmbeddedServer[],
  started: number,
) {
  const rss: Record<Process, Point[]> = {
    supervisor: [],
    collector: [],
    alerter: [],
    web: [],
    datastore: [],
  };
  const sessions: Sessions[] = [];
  const sample = async () => {
    const at = Date.now() - started;
    const all = { ...(await platform.pids()), supervisor: platform.supervisorPid };
    for (const [name, pid] of Object.entries(all) as [Process, number][]) {
      const mb = await rssMb(pid);
      if (mb !== null) rss[name].push({ at, mb, pid });
    }
    const store = await count<{ app: string; n: number }>(
      await platform.datastoreUrl().catch(() => ''),
      `SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = 'pgvigil' AND pid <> pg_backend_pid() GROUP BY 1`,
    );
    const onServers = await Promise.all(
      watched().map((s) =>
        count<{ n: number }>(
          s.url(),
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgvigil'`,
        ),
      ),
    );
    sessions.push({
      at,
      datastore: store && Object.fromEntries(store.map((r) => [r.app, r.n])),
      watched: onServers.reduce((a, r) => a + (r?.[0]?.n ?? 0), 0),
    });
  };
  return { rss, sessions, sample };
}

/** Per process: MB per hour over the longest run of one pid after `warmUpMs`. */
export function rssGrowth(rss: Record<string, Point[]>, warmUpMs: number) {
  return Object.fromEntries(
    Object.entries(rss).map(([name, points]) => {
      const runs = new Map<number, Point[]>();
      for (const p of points.filter((q) => q.at >= warmUpMs))
        runs.set(p.pid, [...(runs.get(p.pid) ?? []), p]);
      const longest = [...runs.values()].sort((a, b) => b.length - a.length)[0] ?? [];
      const minutes = longest.length > 1 ? (longest.at(-1)!.at - longest[0]!.at) / 60_000 : 0;
      return [name, { mbPerHour: slopePerHour(longest), minutes, lastMb: points.at(-1)?.mb ?? 0 }];
    }),
  );
}

/** Sessions beyond each pool's cap on the datastore, and beyond 2 per watched server. */
export function sessionLeaks(sessions: readonly Sessions[], servers: number) {
  const most: Record<string, number> = {};
  for (const s of sessions)
    for (const [app, n] of Object.entries(s.datastore ?? {}))
      if (app in POOL_CAPS) most[app] = Math.max(most[app] ?? 0, n);
  const mostOnServers = Math.max(0, ...sessions.map((s) => s.watched));
  return {
    most,
    mostOnServers,
    last: sessions.at(-1),
    leaked:
      Object.entries(most).reduce((a, [app, n]) => a + Math.max(0, n - POOL_CAPS[app]!), 0) +
      Math.max(0, mostOnServers - PER_SERVER_CAP * servers),
  };
}

/** Sample rows stored since `from`, all probes together (their own tables, not rollups). */
export async function rowsWritten(url: string, from: Date): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = await c.query<{ name: string }>(
      `SELECT table_name AS name FROM metric_catalog ORDER BY 1`,
    );
    let total = 0;
    for (const t of tables.rows) {
      const { rows } = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM metrics."${t.name}" WHERE collected_at >= $1`,
        [from],
      );
      total += rows[0]!.n;
    }
    return total;
  } finally {
    await c.end();
  }
}
