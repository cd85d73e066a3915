import { ENVIRONMENTS, FLEET_SORTS } from '@pgvigil/schema';
import { getServerOverview, listFleet } from '@pgvigil/db/dashboard';
import { z } from 'zod';
import { defineTool } from '../tool';
import { serverId } from './inputs';

export const fleetStatus = defineTool({
  name: 'fleet_status',
  title: 'Fleet status',
  description:
    'How the whole fleet is doing: servers by health (ok, degraded, critical, down...), the servers that need attention first, and the firing alerts count.',
  minRole: 'viewer',
  access: 'read',
  input: z.object({}),
  example: {},
  async run({ db, at, links }) {
    const fleet = await listFleet({ db, input: { sort: 'severity', limit: 1000 }, at });
    const byHealth: Record<string, number> = {};
    for (const s of fleet.servers) byHealth[s.health] = (byHealth[s.health] ?? 0) + 1;
    const poolers = fleet.servers.filter((s) => s.kind === 'pgbouncer');
    const waiting = poolers.reduce((n, s) => n + (s.pooler?.clientsWaiting ?? 0), 0);
    const attention = fleet.servers
      .filter((s) => s.health !== 'ok' && s.health !== 'disabled')
      .slice(0, 20)
      .map((s) => ({
        id: s.id,
        name: s.name,
        kind: s.kind,
        health: s.health,
        activeAlerts: s.activeAlerts,
        worstSeverity: s.worstSeverity,
        errorCode: s.errorCode,
        link: links.server(s.id),
      }));
    const alerts = fleet.servers.reduce((n, s) => n + s.activeAlerts, 0);
    return {
      summary: `${fleet.total} servers: ${Object.entries(byHealth)
        .map(([h, n]) => `${n} ${h}`)
        .join(', ')}; ${alerts} active alerts.${
        poolers.length
          ? ` ${poolers.length} PgBouncer poolers, ${waiting} clients waiting (pooler_status).`
          : ''
      }`,
      data: {
        servers: fleet.total,
        byHealth,
        activeAlerts: alerts,
        attention,
        poolers: poolers.map((s) => ({
          id: s.id,
          name: s.name,
          health: s.health,
          ...s.pooler,
          link: links.server(s.id),
        })),
      },
      links: [
        { label: 'Fleet', url: links.fleet() },
        { label: 'Alerts', url: links.alerts() },
      ],
    };
  },
});

export const listServers = defineTool({
  name: 'list_servers',
  title: 'List servers',
  description:
    'The monitored servers with health, cluster, environment, tags and current rates (TPS, connections used, cache hit); a PgBouncer pooler (kind pgbouncer) has its pools, clients waiting and utilisation instead (details: pooler_status). Search by name or host, filter, sort.',
  minRole: 'viewer',
  access: 'read',
  input: z.object({
    q: z.string().max(100).optional().describe('part of a name, host or cluster name'),
    environment: z.enum(ENVIRONMENTS).optional(),
    clusterId: z.number().int().positive().optional(),
    sort: z.enum(FLEET_SORTS).optional().describe('default: severity (worst first)'),
    limit: z.number().int().min(1).max(500).optional().describe('default 100'),
  }),
  example: { q: 'orders' },
  async run({ db, at, links }, i) {
    const fleet = await listFleet({
      db,
      input: {
        ...(i.q ? { q: i.q } : {}),
        ...(i.environment ? { environment: i.environment } : {}),
        ...(i.clusterId ? { clusterId: i.clusterId } : {}),
        sort: i.sort ?? 'severity',
        limit: i.limit ?? 100,
      },
      at,
    });
    const servers = fleet.servers.map((s) => ({ ...s, link: links.server(s.id) }));
    return {
      summary: `${servers.length} of ${fleet.total} servers.`,
      data: { total: fleet.total, servers },
      links: [{ label: 'Fleet', url: links.fleet() }],
    };
  },
});

export const serverOverview = defineTool({
  name: 'server_overview',
  title: 'Server overview',
  description:
    'One server: identity, version, reachability, health, active alerts and a plain-words summary of what is wrong.',
  minRole: 'viewer',
  access: 'read',
  input: z.object({ serverId }),
  example: { serverId: 1 },
  async run({ db, at, links }, i) {
    const o = await getServerOverview({ db, input: { id: i.serverId }, at });
    return {
      summary: `${o.name}: ${o.health}. ${o.summary.join(' ')}`.trim(),
      data: { ...o },
      links: [
        { label: o.name, url: links.server(o.id) },
        { label: 'Alerts', url: links.alerts(o.id) },
        ...(o.clusterId
          ? [{ label: o.clusterName ?? 'Cluster', url: links.cluster(o.clusterId) }]
          : []),
      ],
    };
  },
});
