import { getServer } from '@pgvigil/db/registry';
import { z } from 'zod';
import { defineTool, ToolError } from '../tool';
import { serverId } from './inputs';
import { latest } from './latest';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export const poolerStatus = defineTool({
  name: 'pooler_status',
  title: 'PgBouncer pooler status',
  description:
    "A PgBouncer pooler (a server of kind pgbouncer, see list_servers) from its newest samples: whether its admin console answers, each pool's clients active and waiting with the longest wait, server connections and utilisation against the pool size, client connections against max_client_conn, and the servers it fronts.",
  minRole: 'viewer',
  access: 'read',
  input: z.object({ serverId }),
  example: { serverId: 1 },
  async run(ctx, i) {
    const server = await getServer(ctx.db, i.serverId);
    if (server.kind !== 'pgbouncer')
      throw new ToolError(
        `${server.name} is a PostgreSQL server, not a pooler`,
        'use server_overview or replication_status for it; list_servers shows each kind',
      );
    const [connectivity, pools, lists] = await Promise.all([
      latest(ctx, 'pgbouncer_connectivity', i.serverId),
      latest(ctx, 'pgbouncer_pools', i.serverId),
      latest(ctx, 'pgbouncer_lists', i.serverId),
    ]);
    const waiting = pools.reduce((n, p) => n + num(p.cl_waiting), 0);
    const longest = Math.max(0, ...pools.map((p) => num(p.maxwait_seconds)));
    const up = connectivity[0]?.up;
    const busiest = [...pools].sort((a, b) => num(b.utilisation_pct) - num(a.utilisation_pct))[0];
    const state = up === undefined ? 'not collected yet' : up ? 'answering' : 'down';
    return {
      summary:
        `${server.name} (PgBouncer): ${state}, ${pools.length} pools, ${waiting} clients waiting` +
        (waiting ? ` (longest ${longest} s)` : '') +
        (busiest
          ? `; busiest pool ${String(busiest.pool_db)}/${String(busiest.pool_user)} at ${num(busiest.utilisation_pct)} %`
          : '') +
        '.',
      data: {
        server: { id: server.id, name: server.name, host: server.host, port: server.port },
        fronts: server.fronts,
        connectivity: connectivity[0] ?? null,
        pools,
        lists: lists[0] ?? null,
      },
      links: [
        { label: `${server.name} (pooler)`, url: ctx.links.server(server.id) },
        ...server.fronts.map((id) => ({
          label: `fronted server ${id}`,
          url: ctx.links.server(id),
        })),
      ],
    };
  },
});
