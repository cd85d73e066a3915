/** A registered server and the cluster it belongs to (none: not part of any cluster). */
export interface ClusterMember {
  id: number;
  cluster_id: number | null;
  cluster_name?: string | null;
}

/** A member's newest row of a probe: its time and one value. */
export interface MemberSample {
  server_id: number | null;
  collected_at: Date;
  values: Record<string, unknown>;
}

/**
 * One row per cluster, for cluster-scoped rules (probe `$clusters`): how many members it
 * has, how many answered lately, and how many of those are primaries. A member counts as
 * a primary only when its newest identity sample (server_info) is fresh, says it is not
 * in recovery, and no newer connectivity sample says it is down: an unreachable member,
 * whatever it was, is no primary clients can write to.
 */
export function clusterRows(
  members: readonly ClusterMember[],
  info: readonly MemberSample[],
  connectivity: readonly MemberSample[],
  at: Date,
  staleSeconds: { info: number; connectivity: number },
) {
  const newest = (rows: readonly MemberSample[], maxAgeSeconds: number) => {
    const out = new Map<number, MemberSample>();
    for (const r of rows) {
      if (r.server_id === null) continue;
      if (at.getTime() - r.collected_at.getTime() > maxAgeSeconds * 1000) continue;
      const seen = out.get(r.server_id);
      if (!seen || seen.collected_at < r.collected_at) out.set(r.server_id, r);
    }
    return out;
  };
  const infoOf = newest(info, staleSeconds.info);
  const upOf = newest(connectivity, staleSeconds.connectivity);
  const byCluster = new Map<number, { name: string; ids: number[] }>();
  for (const m of members) {
    if (m.cluster_id === null) continue;
    const c = byCluster.get(m.cluster_id) ?? {
      name: m.cluster_name ?? `cluster ${m.cluster_id}`,
      ids: [],
    };
    c.ids.push(m.id);
    byCluster.set(m.cluster_id, c);
  }
  return [...byCluster].map(([clusterId, c]) => {
    let reachable = 0;
    let primaries = 0;
    for (const id of c.ids) {
      const i = infoOf.get(id);
      const u = upOf.get(id);
      const down =
        u !== undefined && u.values.up === false && (!i || u.collected_at >= i.collected_at);
      if (!down && (i || u?.values.up === true)) reachable++;
      if (!down && i && i.values.in_recovery === false) primaries++;
    }
    return {
      server_id: null,
      database_name: null,
      collected_at: at,
      values: {
        cluster_id: clusterId,
        cluster: c.name,
        members: c.ids.length,
        reachable,
        primaries,
      },
    };
  });
}
