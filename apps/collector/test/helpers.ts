import { randomBytes } from 'node:crypto';
import { createSecretBox, type Db, type SecretBox } from '@pgvigil/db';
import { createServer } from '@pgvigil/db/registry';
import { getProbe, type ProbeDefinition } from '@pgvigil/probes';
import { Collector, type CollectorOptions } from '../src/collector';

export const box: SecretBox = createSecretBox(randomBytes(32));

/**
 * A few probes of each kind on a 1-second interval, so tests see several cycles quickly
 * (a sparse one keyframes every 5 s, within its now 5-minute rollups).
 */
export const FAST_PROBES: ProbeDefinition[] = [
  'connectivity',
  'database_stats',
  'activity_summary',
  'settings',
  'statements',
  'tables',
].map((name) => {
  const probe = getProbe(name)!;
  return {
    ...probe,
    intervalSeconds: 1,
    deltaTopN: 100_000,
    ...(probe.sparse ? { sparse: { keyframeSeconds: 5 } } : {}),
  };
});

export async function registerServer(db: Db, name: string, url: string): Promise<number> {
  const u = new URL(url);
  const server = await createServer(db, box, {
    name,
    host: u.hostname,
    port: Number(u.port),
    dbname: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    sslmode: 'disable',
  });
  return server.id;
}

export function testCollector(
  db: Db,
  id: string,
  extra: Partial<CollectorOptions> = {},
): Collector {
  return new Collector({
    db,
    box,
    collectorId: id,
    probes: FAST_PROBES,
    leaseEveryMs: 300,
    flushEveryMs: 200,
    rollupEveryMs: 60_000,
    connectTimeoutMs: 3_000,
    ...extra,
  });
}

/** Polls `check` until it returns a truthy value (bounded; no fixed sleeps in assertions). */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function count(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await db.query<{ n: number }>(sql, params);
  return rows[0]?.n ?? 0;
}
