/**
 * A cluster's replication topology from what each member reports about itself:
 * standbys say where they stream from (wal_receiver: slot, sender host), upstreams
 * list their WAL senders with lag (replication) and slots (replication_slots),
 * subscribers name their subscriptions (whose slot on the publisher has the same
 * name unless set otherwise). Pure, so the matching rules are tested without a server.
 */
import { LAG_LEVELS } from '@pgvigil/schema';

export type TopologyMember = {
  id: number;
  name: string;
  host: string;
  inRecovery: boolean | null;
  senderHost: string | null;
  slotName: string | null;
  /** received but not yet replayed, from the standby's side */
  receiveReplayLagBytes: number | null;
  senders: {
    applicationName: string;
    clientAddr: string | null;
    state: string | null;
    replayLagBytes: number | null;
    replayLagSeconds: number | null;
  }[];
  slots: { slotName: string; slotType: string | null }[];
  subscriptions: string[];
};

export { LAG_LEVELS } from '@pgvigil/schema';
export type LagLevel = (typeof LAG_LEVELS)[number];

export type TopologyNode = {
  key: string;
  serverId: number | null;
  label: string;
  role: 'primary' | 'standby' | 'subscriber' | 'external' | 'unknown';
  depth: number;
};

export type TopologyEdge = {
  from: string;
  to: string;
  kind: 'physical' | 'logical';
  /** the upstream's WAL sender name: the series of its replication lag chart */
  applicationName: string | null;
  replayLagBytes: number | null;
  replayLagSeconds: number | null;
  level: LagLevel;
};

// A standby a few WAL segments behind is normal under load; a gigabyte is not.
const WARN_BYTES = 16 * 1024 * 1024;
const CRIT_BYTES = 1024 * 1024 * 1024;

export function lagLevel(bytes: number | null): LagLevel {
  if (bytes == null) return 'unknown';
  return bytes >= CRIT_BYTES ? 'critical' : bytes >= WARN_BYTES ? 'warning' : 'ok';
}

const key = (id: number) => `s${id}`;

export function buildTopology(members: readonly TopologyMember[]): {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
} {
  const edges: TopologyEdge[] = [];
  const used = new Set<string>(); // `${upstreamId}/${applicationName}` senders matched
  const sender = (u: TopologyMember, name: string) => {
    const s = u.senders.find((x) => x.applicationName === name && !used.has(`${u.id}/${name}`));
    if (s) used.add(`${u.id}/${name}`);
    return s;
  };
  for (const s of members.filter((m) => m.inRecovery)) {
    const others = members.filter((m) => m.id !== s.id);
    const bySlot = s.slotName
      ? others.filter((u) => u.slots.some((x) => x.slotName === s.slotName))
      : [];
    const byHost = others.filter((u) => s.senderHost != null && u.host === s.senderHost);
    const upstream = bySlot.length === 1 ? bySlot[0] : byHost.length === 1 ? byHost[0] : undefined;
    if (!upstream) continue;
    // the sender is named after the standby's cluster_name or server name when set
    const row =
      sender(upstream, s.name) ??
      (upstream.senders.length === 1
        ? sender(upstream, upstream.senders[0]!.applicationName)
        : undefined);
    const bytes = row?.replayLagBytes ?? s.receiveReplayLagBytes;
    edges.push({
      from: key(upstream.id),
      to: key(s.id),
      kind: 'physical',
      applicationName: row?.applicationName ?? null,
      replayLagBytes: bytes,
      replayLagSeconds: row?.replayLagSeconds ?? null,
      level: lagLevel(bytes),
    });
  }
  for (const sub of members) {
    for (const name of sub.subscriptions) {
      const pub = members.find(
        (p) =>
          p.id !== sub.id && p.slots.some((x) => x.slotName === name && x.slotType === 'logical'),
      );
      if (!pub) continue;
      const row = sender(pub, name);
      edges.push({
        from: key(pub.id),
        to: key(sub.id),
        kind: 'logical',
        applicationName: name,
        replayLagBytes: row?.replayLagBytes ?? null,
        replayLagSeconds: row?.replayLagSeconds ?? null,
        level: lagLevel(row?.replayLagBytes ?? null),
      });
    }
  }
  const nodes: TopologyNode[] = members.map((m) => ({
    key: key(m.id),
    serverId: m.id,
    label: m.name,
    role:
      m.inRecovery == null
        ? 'unknown'
        : m.inRecovery
          ? 'standby'
          : edges.some((e) => e.to === key(m.id))
            ? 'subscriber'
            : 'primary',
    depth: 0,
  }));
  // WAL senders to servers outside the cluster (or not registered) still get a node.
  for (const u of members) {
    for (const s of u.senders) {
      if (used.has(`${u.id}/${s.applicationName}`)) continue;
      const k = `x${u.id}/${s.applicationName}`;
      nodes.push({
        key: k,
        serverId: null,
        label: `${s.applicationName}${s.clientAddr ? ` (${s.clientAddr})` : ''}`,
        role: 'external',
        depth: 0,
      });
      edges.push({
        from: key(u.id),
        to: k,
        kind: 'physical',
        applicationName: s.applicationName,
        replayLagBytes: s.replayLagBytes,
        replayLagSeconds: s.replayLagSeconds,
        level: lagLevel(s.replayLagBytes),
      });
    }
  }
  // depth: longest chain of upstreams (cascades sit below their upstream standby)
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  for (let pass = 0; pass < nodes.length; pass++) {
    for (const e of edges) {
      const from = byKey.get(e.from)!;
      const to = byKey.get(e.to)!;
      if (to.depth < from.depth + 1 && from.depth + 1 < nodes.length + 1) to.depth = from.depth + 1;
    }
  }
  return { nodes, edges };
}
