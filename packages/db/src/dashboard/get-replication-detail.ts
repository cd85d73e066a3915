import { z } from 'zod';
import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { readLatest, type LatestRow } from '../metrics';
import { num, str } from './latest-rows';
import { parseInput } from './parse';

export const replicationDetailInput = z.object({
  serverId: z.coerce.number().int().positive(),
});

export interface SubscriptionDetail {
  database: string;
  name: string;
  enabled: boolean | null;
  /** apply and sync workers running (pg_stat_subscription) */
  workers: number | null;
  tables: number | null;
  /** tables by pg_subscription_rel state */
  init: number | null;
  copying: number | null;
  copied: number | null;
  synchronized: number | null;
  ready: number | null;
  notReady: number | null;
}

export interface ReplicationDetail {
  /** primary, standby or cascading standby; null before server_info was collected */
  role: string | null;
  timelineId: number | null;
  logicalPublisher: boolean | null;
  logicalSubscriber: boolean | null;
  subscriptions: SubscriptionDetail[];
}

const bool = (v: unknown) => (typeof v === 'boolean' ? v : null);

async function latest(db: Queryable, probe: string, serverId: number, at: Date) {
  return readLatest(db, { probe, serverIds: [serverId], at }).catch((err: unknown): LatestRow[] => {
    if (err instanceof NotFoundError) return [];
    throw err;
  });
}

/** The server's node role in detail and its subscriptions with their table sync states. */
export async function getReplicationDetail({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: z.input<typeof replicationDetailInput>;
  at: Date;
}): Promise<ReplicationDetail> {
  const { serverId } = parseInput(replicationDetailInput, input);
  const [info, sync, running] = await Promise.all([
    latest(db, 'server_info', serverId, at),
    latest(db, 'subscription_sync', serverId, at),
    latest(db, 'subscriptions', serverId, at),
  ]);
  const v = info[0]?.values ?? {};
  const workers = new Map(running.map((r) => [r.key.subname, num(r.values.workers)]));
  return {
    role: str(v.replication_role) ?? str(v.role),
    timelineId: num(v.timeline_id),
    logicalPublisher: bool(v.logical_publisher),
    logicalSubscriber: bool(v.logical_subscriber),
    subscriptions: sync
      .map((r) => ({
        database: r.database ?? '',
        name: String(r.key.subname),
        enabled: bool(r.values.enabled),
        workers: workers.get(r.key.subname) ?? null,
        tables: num(r.values.tables),
        init: num(r.values.init),
        copying: num(r.values.copying),
        copied: num(r.values.copied),
        synchronized: num(r.values.synchronized),
        ready: num(r.values.ready),
        notReady: num(r.values.not_ready),
      }))
      .sort((a, b) => a.database.localeCompare(b.database) || a.name.localeCompare(b.name)),
  };
}
