import { z } from 'zod';
import { parseInput } from './parse';
import type { Queryable } from '../client';
import type { Environment } from '../domain';
import { NotFoundError } from '../errors';
import { healthOf, type HealthState } from './health';
import { listActiveAlerts, type ActiveAlert } from './list-active-alerts';

export const serverIdInput = z.object({ id: z.coerce.number().int().positive() });

export type ServerOverview = {
  id: number;
  name: string;
  description: string;
  host: string;
  port: number;
  dbname: string;
  environment: Environment;
  tags: string[];
  enabled: boolean;
  clusterId: number | null;
  clusterName: string | null;
  createdAt: Date;
  health: HealthState;
  alerts: ActiveAlert[];
  /** plain-words summary: what is wrong, since when, what to look at */
  summary: string[];
};

export function summarize(
  server: { enabled: boolean; name: string },
  alerts: readonly ActiveAlert[],
  at: Date,
): string[] {
  if (!server.enabled) return [`${server.name} is disabled: pgvigil does not collect from it.`];
  if (alerts.length === 0) return ['No alert is firing for this server.'];
  return alerts.map((a) => {
    const since = a.firedAt ?? a.startedAt;
    const minutes = Math.max(0, Math.round((at.getTime() - since.getTime()) / 60_000));
    const where = a.databaseName ? ` in database ${a.databaseName}` : '';
    const what = a.message || a.ruleName;
    const ago = minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
    return `${a.severity ?? 'info'}: ${what}${where}, for ${ago}.`;
  });
}

export async function getServerOverview({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: z.input<typeof serverIdInput>;
  at: Date;
}): Promise<ServerOverview> {
  const { id } = parseInput(serverIdInput, input);
  const [row] = await db.query<Omit<ServerOverview, 'health' | 'alerts' | 'summary'>>(
    `SELECT s.id, s.name, s.description, s.host, s.port, s.dbname, s.environment, s.tags, s.enabled,
            s.cluster_id AS "clusterId", c.name AS "clusterName", s.created_at AS "createdAt"
       FROM servers s LEFT JOIN clusters c ON c.id = s.cluster_id
      WHERE s.id = $1`,
    [id],
  );
  if (!row) throw new NotFoundError(`Server ${id}`, 'Register it under Admin > Servers.');
  const alerts = await listActiveAlerts({ db, input: { serverId: id } });
  const worst = alerts[0]?.severity ?? null;
  return {
    ...row,
    health: healthOf(row.enabled, worst),
    alerts,
    summary: summarize(row, alerts, at),
  };
}
