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
  reachability: 'up' | 'down' | null;
  reachabilitySince: Date | null;
  errorCode: string | null;
  errorMessage: string | null;
  serverVersionNum: number | null;
  /** the SSH bastion the server is reached through (`ssh user@host:port`), null when direct */
  via: string | null;
  health: HealthState;
  alerts: ActiveAlert[];
  /** plain-words summary: what is wrong, since when, what to look at */
  summary: string[];
};

function ago(since: Date, at: Date): string {
  const minutes = Math.max(0, Math.round((at.getTime() - since.getTime()) / 60_000));
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

export function summarize(
  server: {
    enabled: boolean;
    name: string;
    reachability: 'up' | 'down' | null;
    reachabilitySince: Date | null;
    errorMessage: string | null;
  },
  alerts: readonly ActiveAlert[],
  at: Date,
): string[] {
  if (!server.enabled) return [`${server.name} is disabled: pgvigil does not collect from it.`];
  const lines: string[] = [];
  if (server.reachability === 'down') {
    const since = server.reachabilitySince ? `, for ${ago(server.reachabilitySince, at)}` : '';
    lines.push(
      `pgvigil cannot connect to ${server.name}${since}: ${server.errorMessage ?? 'no answer'}.`,
    );
  } else if (server.reachability === null) {
    lines.push(
      'No collector has checked this server yet; data appears within a minute of it starting.',
    );
  }
  if (alerts.length === 0 && lines.length === 0) return ['No alert is firing for this server.'];
  return lines.concat(
    alerts.map((a) => {
      const since = a.firedAt ?? a.startedAt;
      const where = a.databaseName ? ` in database ${a.databaseName}` : '';
      const what = a.message || a.ruleName;
      return `${a.severity ?? 'info'}: ${what}${where}, for ${ago(since, at)}.`;
    }),
  );
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
            s.cluster_id AS "clusterId", c.name AS "clusterName", s.created_at AS "createdAt",
            st.state AS reachability, st.since AS "reachabilitySince", st.error_code AS "errorCode",
            st.error_message AS "errorMessage", st.server_version_num AS "serverVersionNum",
            CASE WHEN s.ssh_host IS NOT NULL THEN coalesce(st.via,
              'ssh ' || s.ssh_username || '@' || s.ssh_host || ':' || s.ssh_port) END AS via
       FROM servers s LEFT JOIN clusters c ON c.id = s.cluster_id
       LEFT JOIN server_status st ON st.server_id = s.id
      WHERE s.id = $1`,
    [id],
  );
  if (!row) throw new NotFoundError(`Server ${id}`, 'Register it under Admin > Servers.');
  const alerts = await listActiveAlerts({ db, input: { serverId: id } });
  const worst = alerts[0]?.severity ?? null;
  return {
    ...row,
    health: healthOf(row.enabled, worst, row.reachability),
    alerts,
    summary: summarize(row, alerts, at),
  };
}
