import type { Db } from './client';
import { COMPONENTS, type Component } from './domain';
import { listHeartbeats } from './heartbeats';
import { appliedVersion } from './schema-version';

export interface ComponentHealth {
  status: 'up' | 'stale' | 'never_seen';
  lastSeenAt: string | null;
  instances: number;
  info: Record<string, unknown> | null;
}

export interface Health {
  status: 'ok' | 'degraded' | 'down';
  datastore: { reachable: boolean; latencyMs: number | null; error?: string };
  migrationVersion: number | null;
  components: Partial<Record<Component, ComponentHealth>>;
}

/** A component is stale when it has not beaten for this long. */
export const STALE_AFTER_MS = 60_000;

export async function getHealth(db: Db, at = new Date()): Promise<Health> {
  const started = performance.now();
  try {
    const version = await appliedVersion(db);
    const latencyMs = Math.round(performance.now() - started);
    const beats = await listHeartbeats(db).catch(() => []);
    const components: Health['components'] = {};
    for (const component of COMPONENTS.filter((c) => c !== 'web')) {
      const mine = beats.filter((b) => b.component === component);
      const newest = mine[0];
      components[component] = newest
        ? {
            status: at.getTime() - newest.last_seen_at.getTime() > STALE_AFTER_MS ? 'stale' : 'up',
            lastSeenAt: newest.last_seen_at.toISOString(),
            instances: mine.filter((b) => at.getTime() - b.last_seen_at.getTime() <= STALE_AFTER_MS)
              .length,
            info: newest.info,
          }
        : { status: 'never_seen', lastSeenAt: null, instances: 0, info: null };
    }
    const healthy = Object.values(components).every((c) => c.status === 'up') && version !== null;
    return {
      status: healthy ? 'ok' : 'degraded',
      datastore: { reachable: true, latencyMs },
      migrationVersion: version,
      components,
    };
  } catch (err) {
    return {
      status: 'down',
      datastore: { reachable: false, latencyMs: null, error: (err as Error).message },
      migrationVersion: null,
      components: {},
    };
  }
}
