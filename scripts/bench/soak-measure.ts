// What the fault benchmarks count: notifications lost or delivered twice, samples
// stored twice or missing outside a documented outage.
import pg from 'pg';
import type { Platform } from './platform';

export interface Window {
  from: number;
  to: number;
}

/**
 * Queues a notification every `everyMs` the way the alerter's cycle does (an outbox
 * row), through whatever the datastore is doing. Returns a stop that gives the keys
 * that were queued.
 */
export function startFeeder(
  platform: Platform,
  channelId: number,
  everyMs: number,
): () => Promise<string[]> {
  const queued: string[] = [];
  let pool: pg.Pool | null = null;
  let n = 0;
  let busy: Promise<unknown> = Promise.resolve();
  const feed = async () => {
    if (!pool) {
      pool = new pg.Pool({ connectionString: await platform.datastoreUrl(), max: 1 });
      pool.on('error', () => undefined);
    }
    const key = `feed:${++n}`;
    await pool.query(
      `INSERT INTO notification_outbox (channel_id, dedupe_key, kind, payload, next_attempt_at, created_at)
       VALUES ($1, $2, 'firing', jsonb_build_object('kind', 'firing', 'title', $2::text,
               'severity', 'warning', 'rule', null, 'server', null, 'items', '[]'::jsonb,
               'link', 'http://127.0.0.1/alerts', 'at', now()), now(), now())`,
      [channelId, key],
    );
    queued.push(key);
  };
  const timer = setInterval(() => {
    busy = busy.then(feed).catch(() => undefined);
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await busy;
    await pool?.end().catch(() => undefined);
    return queued;
  };
}

async function rows<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/**
 * Waits (up to 5 minutes: a delivery lease is 60 s) until the outbox is drained,
 * then compares it with what the sink received.
 */
export async function notificationFigures(
  store: string,
  received: readonly string[],
  fed: string[],
) {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const [open] = await rows<{ n: number }>(
      store,
      `SELECT count(*)::int AS n FROM notification_outbox WHERE status IN ('pending', 'sending')`,
    );
    if (open!.n === 0) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const outbox = await rows<{ key: string; attempts: number; status: string }>(
    store,
    'SELECT dedupe_key AS key, attempts, status FROM notification_outbox',
  );
  const arrived = new Map<string, number>();
  for (const k of received) arrived.set(k, (arrived.get(k) ?? 0) + 1);
  const twice = [...arrived].filter(([, n]) => n > 1);
  return {
    queued: outbox.length,
    fed: fed.length,
    lost: outbox.filter((o) => !arrived.has(o.key)).length,
    fedLost: fed.filter((k) => !arrived.has(k)).length,
    duplicates: twice.reduce((a, [, n]) => a + n - 1, 0),
    // a second arrival needs a second claim: anything else would be a bug
    duplicatesNotRetried: twice.filter(
      ([k]) => (outbox.find((o) => o.key === k)?.attempts ?? 0) < 2,
    ).length,
  };
}

/**
 * Connectivity samples per watched server since `from`: stored twice, and missing
 * (a hole over 1.5 intervals), within a documented outage (the collector being
 * restarted: its servers wait for the lease to expire) or outside it.
 */
export async function sampleFigures(
  store: string,
  serverIds: readonly number[],
  from: Date,
  documented: readonly Window[],
) {
  let stored = 0;
  let duplicates = 0;
  let lostOutside = 0;
  let lostDuring = 0;
  const holes: string[] = [];
  for (const id of serverIds) {
    const list = await rows<{ at: Date }>(
      store,
      `SELECT collected_at AS at FROM metrics.connectivity
        WHERE server_id = $1 AND collected_at >= $2 ORDER BY 1`,
      [id, from],
    );
    const times = list.map((r) => r.at.getTime());
    stored += times.length;
    duplicates += times.length - new Set(times).size;
    const gaps = times.slice(1).map((t, i) => ({ from: times[i]!, to: t }));
    const sorted = gaps.map((g) => g.to - g.from).sort((a, b) => a - b);
    const interval = sorted[Math.floor(sorted.length / 2)] ?? 30_000;
    for (const g of gaps) {
      const span = g.to - g.from;
      // a probe's start wanders a little around its schedule; one missed run is 2 intervals
      if (span <= 1.5 * interval) continue;
      const missing = Math.round(span / interval) - 1;
      const excused = documented.some((w) => g.from < w.to && g.to > w.from);
      if (excused) lostDuring += missing;
      else {
        lostOutside += missing;
        holes.push(
          `server ${id}: ${new Date(g.from).toISOString()} + ${Math.round(span / 1000)} s`,
        );
      }
    }
  }
  if (holes.length) console.log(`  holes outside a documented outage: ${holes.join('; ')}`);
  return { stored, duplicates, lostOutside, lostDuring };
}
