import { NotFoundError } from '@pgvigil/db';
import { getClusterOverview, getClusterTopology, getServerOverview } from '@pgvigil/db/dashboard';
import { readLatest } from '@pgvigil/db/metrics';
import { z } from 'zod';
import { defineTool, type ToolContext } from '../tool';
import { serverId } from './inputs';

async function latest(ctx: ToolContext, probe: string, id: number) {
  try {
    const rows = await readLatest(ctx.db, { probe, serverIds: [id], at: ctx.at });
    return rows.map((r): Record<string, unknown> => ({
      collectedAt: r.collectedAt,
      ...r.key,
      ...r.values,
    }));
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
}

export const replicationStatus = defineTool({
  name: 'replication_status',
  title: 'Replication status',
  description:
    "A server's replication from the newest samples: whether it is a standby and where it streams from, its WAL senders with lag, its slots, and its cluster's topology with each link's replay lag.",
  minRole: 'viewer',
  access: 'read',
  input: z.object({ serverId }),
  example: { serverId: 1 },
  async run(ctx, i) {
    const { db, at, links } = ctx;
    const server = await getServerOverview({ db, input: { id: i.serverId }, at });
    const [receiver, senders, slots] = await Promise.all(
      ['wal_receiver', 'replication', 'replication_slots'].map((p) => latest(ctx, p, i.serverId)),
    );
    let topology = null;
    if (server.clusterId) {
      const cluster = await getClusterOverview({ db, input: { id: server.clusterId }, at });
      topology = await getClusterTopology({ db, members: cluster.members, at });
    }
    const standby = receiver?.[0] ? receiver[0].in_recovery === true : null;
    return {
      summary: `${server.name}: ${standby === null ? 'role unknown' : standby ? 'standby' : 'primary'}, ${senders?.length ?? 0} WAL senders, ${slots?.length ?? 0} slots.`,
      data: {
        server: { id: server.id, name: server.name, clusterId: server.clusterId },
        standby,
        walReceiver: receiver?.[0] ?? null,
        senders,
        slots,
        topology,
      },
      links: [
        { label: 'Server (replication)', url: links.server(i.serverId) },
        ...(server.clusterId
          ? [{ label: 'Cluster topology', url: links.cluster(server.clusterId) }]
          : []),
      ],
    };
  },
});
