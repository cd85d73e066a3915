import type { Queryable } from './client';
import type { Component } from './domain';

export interface Heartbeat {
  component: Component;
  instance_id: string;
  started_at: Date;
  last_seen_at: Date;
  info: Record<string, unknown>;
}

export async function recordHeartbeat(
  db: Queryable,
  beat: {
    component: Component;
    instanceId: string;
    startedAt: Date;
    info?: Record<string, unknown>;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO heartbeats (component, instance_id, started_at, last_seen_at, info)
     VALUES ($1, $2, $3, now(), $4)
     ON CONFLICT (component, instance_id)
     DO UPDATE SET last_seen_at = now(), info = EXCLUDED.info, started_at = EXCLUDED.started_at`,
    [beat.component, beat.instanceId, beat.startedAt, JSON.stringify(beat.info ?? {})],
  );
}

/** Latest heartbeat per instance seen in the last day, newest first. */
export async function listHeartbeats(db: Queryable): Promise<Heartbeat[]> {
  return db.query<Heartbeat & Record<string, unknown>>(
    `SELECT component, instance_id, started_at, last_seen_at, info FROM heartbeats
      WHERE last_seen_at > now() - interval '1 day'
      ORDER BY component, last_seen_at DESC`,
  );
}

/** Beats every `everyMs` until stopped; a failed beat (datastore down) is retried on the next tick. */
export function startHeartbeat(
  db: Queryable,
  component: Component,
  instanceId: string,
  info: () => Record<string, unknown> = () => ({}),
  everyMs = 10_000,
): { stop(): void; beat(): Promise<void> } {
  const startedAt = new Date();
  const beat = () =>
    recordHeartbeat(db, { component, instanceId, startedAt, info: info() }).catch(() => undefined);
  void beat();
  const timer = setInterval(() => void beat(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer), beat };
}
