import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { readLatest, type LatestRow } from '../metrics';
import { num, str } from './latest-rows';
import {
  buildTopology,
  type TopologyEdge,
  type TopologyMember,
  type TopologyNode,
} from './topology';

export type ClusterTopology = { nodes: TopologyNode[]; edges: TopologyEdge[] };

async function latest(db: Queryable, probe: string, serverIds: number[], at: Date) {
  try {
    return await readLatest(db, { probe, serverIds, at });
  } catch (err) {
    if (err instanceof NotFoundError) return [] as LatestRow[];
    throw err;
  }
}

/** The replication topology of a cluster's members from their newest samples. */
export async function getClusterTopology({
  db,
  members,
  at,
}: {
  db: Queryable;
  members: readonly { id: number; name: string; host: string }[];
  at: Date;
}): Promise<ClusterTopology> {
  if (members.length === 0) return { nodes: [], edges: [] };
  const ids = members.map((m) => m.id);
  const [receivers, senders, slots, subs] = await Promise.all(
    ['wal_receiver', 'replication', 'replication_slots', 'subscriptions'].map((p) =>
      latest(db, p, ids, at),
    ),
  );
  const of = (rows: LatestRow[] | undefined, id: number) =>
    (rows ?? []).filter((r) => r.serverId === id);
  const input = members.map((m): TopologyMember => {
    const w = of(receivers, m.id)[0]?.values;
    return {
      id: m.id,
      name: m.name,
      host: m.host,
      inRecovery: typeof w?.in_recovery === 'boolean' ? w.in_recovery : null,
      senderHost: str(w?.sender_host),
      slotName: str(w?.slot_name),
      receiveReplayLagBytes: num(w?.receive_replay_lag_bytes),
      senders: of(senders, m.id).map((r) => ({
        applicationName: String(r.key.application_name ?? ''),
        clientAddr: str(r.key.client_addr),
        state: str(r.values.state),
        replayLagBytes: num(r.values.replay_lag_bytes),
        replayLagSeconds: num(r.values.replay_lag_seconds),
      })),
      slots: of(slots, m.id).map((r) => ({
        slotName: String(r.key.slot_name),
        slotType: str(r.values.slot_type),
      })),
      subscriptions: of(subs, m.id).map((r) => String(r.key.subname)),
    };
  });
  return buildTopology(input);
}
