import { getClusterOverview, getClusterTopology, getServerOverview } from '@pgvigil/db/dashboard';
import { z } from 'zod';
import { defineTool } from '../tool';
import { serverId } from './inputs';
import { latest } from './latest';

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
