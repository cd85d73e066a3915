import type { NotifyItem } from './notifications';

/**
 * A cluster-wide incident is one message: when several servers of one cluster go down in
 * the same cycle, their "server down" items share a cluster group, and buildNotifications
 * sends them as one message whose title says how many of the cluster's members are down,
 * which, and how many alerts their outage holds ("orders: 3 of 3 members down (orders-1,
 * orders-2, orders-3); 12 dependent alerts held"). Each item keeps its own message naming
 * what that server holds. Their resolves are grouped the same way.
 */
export function groupClusterIncidents(
  notify: readonly NotifyItem[],
  downRule: string,
  servers: ReadonlyMap<
    number,
    { name: string; clusterId: number | null; clusterName?: string | null }
  >,
  heldCount: (serverId: number) => number,
): NotifyItem[] {
  const incidents = new Map<string, NotifyItem[]>();
  for (const i of notify) {
    const clusterId = i.server?.clusterId ?? null;
    if (i.rule.key !== downRule || clusterId === null) continue;
    if (i.kind !== 'firing' && i.kind !== 'resolved') continue;
    const key = `${i.kind}\u0000${clusterId}`;
    incidents.set(key, [...(incidents.get(key) ?? []), i]);
  }
  const summaries = new Map<NotifyItem, NotifyItem['cluster']>();
  for (const items of incidents.values()) {
    if (items.length < 2) continue;
    const clusterId = items[0]!.server!.clusterId!;
    const members = [...servers.values()].filter((s) => s.clusterId === clusterId);
    const name = members.find((s) => s.clusterName)?.clusterName ?? `cluster ${String(clusterId)}`;
    const names = items.map((i) => i.server!.name).sort();
    const of = `${items.length} of ${Math.max(members.length, items.length)} members`;
    let summary: string;
    if (items[0]!.kind === 'firing') {
      const held = items.reduce((n, i) => n + heldCount(i.server!.id), 0);
      summary = `${name}: ${of} down (${names.join(', ')}); ${held} dependent alert${held === 1 ? '' : 's'} held`;
    } else summary = `${name}: ${of} back up (${names.join(', ')})`;
    for (const i of items) summaries.set(i, { id: clusterId, summary });
  }
  return notify.map((i) => {
    const cluster = summaries.get(i);
    if (!cluster) return i;
    // each line names its server: the message's title is about them all
    const name = i.server!.name;
    const message =
      i.kind === 'resolved'
        ? `${name} back up`
        : i.message.startsWith(`${name} down`)
          ? i.message
          : `${name} down`;
    return { ...i, cluster, message };
  });
}
