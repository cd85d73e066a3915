import { FLEET_SORTS, type ServerKind } from '@pgvigil/schema';
import { z } from 'zod';
import { parseInput } from './parse';
import type { Queryable } from '../client';
import { ENVIRONMENTS, type Environment, type Severity } from '../domain';
import { ACTIVE_ALERT_STATES, healthOf, type HealthState } from './health';
import { keyRates } from './key-rates';
import { poolerSummaries, type PoolerSummary } from './pooler-summary';

export { FLEET_SORTS } from '@pgvigil/schema';

export const fleetInput = z.object({
  q: z.string().trim().max(100).optional(),
  environment: z.enum(ENVIRONMENTS).optional(),
  clusterId: z.coerce.number().int().positive().optional(),
  tag: z.string().trim().max(100).optional(),
  sort: z.enum(FLEET_SORTS).default('severity'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type FleetInput = z.input<typeof fleetInput>;

export type FleetServer = {
  id: number;
  name: string;
  /** a PostgreSQL server, or a PgBouncer pooler (whose numbers are in `pooler`) */
  kind: ServerKind;
  host: string;
  port: number;
  environment: Environment;
  tags: string[];
  enabled: boolean;
  clusterId: number | null;
  clusterName: string | null;
  activeAlerts: number;
  worstSeverity: Severity | null;
  /** last reachability check by a collector; null before the first */
  reachability: 'up' | 'down' | null;
  reachabilitySince: Date | null;
  errorCode: string | null;
  health: HealthState;
  /** current rates from the latest samples; null when not collected */
  tps: number | null;
  connectionsUsedPct: number | null;
  cacheHitPct: number | null;
  /** a pooler's pools and waits from its newest sample; null for PostgreSQL, or not collected yet */
  pooler: PoolerSummary | null;
};

export interface FleetPage {
  servers: FleetServer[];
  /** every server that matches, on any page */
  total: number;
}

// Whitelisted ORDER BY fragments; the user's choice never reaches SQL text.
const ORDER: Record<(typeof FLEET_SORTS)[number], string> = {
  name: 'lower(s.name)',
  cluster: 'lower(c.name)',
  environment: 's.environment',
  alerts: 'a.active',
  // down servers first, then by worst alert
  severity: "(CASE WHEN st.state = 'down' THEN 10 ELSE a.rank END)",
};

export async function listFleet({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: FleetInput;
  /** "now" for the latest-sample rates */
  at: Date;
}): Promise<FleetPage> {
  const i = parseInput(fleetInput, input);
  const dir = i.dir === 'asc' ? 'ASC' : 'DESC';
  type Row = Omit<FleetServer, 'health' | 'tps' | 'connectionsUsedPct' | 'cacheHitPct' | 'pooler'>;
  const rows = await db.query<Row & { total: number }>(
    `SELECT s.id, s.name, s.kind, s.host, s.port, s.environment, s.tags, s.enabled,
            s.cluster_id AS "clusterId", c.name AS "clusterName",
            a.active AS "activeAlerts",
            CASE a.rank WHEN 3 THEN 'critical' WHEN 2 THEN 'warning' WHEN 1 THEN 'info' END AS "worstSeverity",
            st.state AS reachability, st.since AS "reachabilitySince", st.error_code AS "errorCode",
            count(*) OVER () AS total
       FROM servers s
       LEFT JOIN clusters c ON c.id = s.cluster_id
       LEFT JOIN server_status st ON st.server_id = s.id
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS active,
                coalesce(max(CASE al.severity WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 WHEN 'info' THEN 1 END), 0) AS rank
           FROM alerts al
          WHERE al.server_id = s.id AND al.state = ANY($6::text[])) a
      WHERE ($1::text IS NULL OR s.name ILIKE '%' || $1 || '%' OR s.host ILIKE '%' || $1 || '%'
             OR c.name ILIKE '%' || $1 || '%')
        AND ($2::text IS NULL OR s.environment = $2)
        AND ($3::bigint IS NULL OR s.cluster_id = $3)
        AND ($4::text IS NULL OR $4 = ANY(s.tags))
      ORDER BY ${ORDER[i.sort]} ${dir} NULLS LAST, lower(s.name) ASC
      LIMIT $5 OFFSET $7`,
    [
      i.q ? i.q.replace(/[\\%_]/g, (m) => `\\${m}`) : null,
      i.environment ?? null,
      i.clusterId ?? null,
      i.tag ?? null,
      i.limit,
      [...ACTIVE_ALERT_STATES],
      i.offset,
    ],
  );
  const poolerIds = rows.filter((r) => r.kind === 'pgbouncer').map((r) => r.id);
  const [rates, poolers] = await Promise.all([
    keyRates(
      db,
      rows.filter((r) => r.kind !== 'pgbouncer').map((r) => r.id),
      at,
    ),
    poolerSummaries(db, poolerIds, at),
  ]);
  return {
    servers: rows.map(({ total: _total, ...s }) => ({
      ...s,
      health: healthOf(s.enabled, s.worstSeverity, s.reachability),
      ...(rates.get(s.id) ?? { tps: null, connectionsUsedPct: null, cacheHitPct: null }),
      pooler: poolers.get(s.id) ?? null,
    })),
    total: rows[0]?.total ?? 0,
  };
}
