// Patroni clusters: the REST URL on the cluster, what the collector read last, the
// switchover and failover events it saw, and registering the members as servers.
import { z } from 'zod';
import type { Db, Queryable } from '../client';
import type { EventKind } from '../domain';
import { NotFoundError, ValidationError } from '../errors';
import type { SecretBox } from '../secret-box';
import { createServer, getServerConnection, type Server } from './servers';

/** A member as pgvigil registers it: its name in Patroni, where PostgreSQL listens. */
export interface PatroniMemberAddress {
  name: string;
  host: string | null;
  port: number | null;
}

export interface PatroniCluster {
  clusterId: number;
  name: string;
  url: string;
  /** the cluster's servers, matched to members on host and port */
  servers: { serverId: number; host: string; port: number }[];
  leader: string | null;
  timeline: number | null;
  /** the view of the last successful poll (compared with the next: switchover or failover) */
  view: unknown;
}

export interface PatroniState {
  url: string | null;
  readAt: Date | null;
  leader: string | null;
  timeline: number | null;
  /** the last view read (members, roles, lag, history...), as the collector stored it */
  view: unknown;
  error: string | null;
  errorAt: Date | null;
}

/** Sets (or with null, clears) the Patroni REST URL of a cluster; a new URL starts afresh. */
export async function setClusterPatroniUrl(
  db: Db,
  clusterId: number,
  url: string | null,
): Promise<void> {
  await db.tx(async (q) => {
    const rows = await q.query<{ old: string | null }>(
      `UPDATE clusters c SET patroni_url = $2, updated_at = now()
         FROM clusters o WHERE c.id = $1 AND o.id = c.id RETURNING o.patroni_url AS old`,
      [clusterId, url],
    );
    if (!rows[0]) throw new NotFoundError(`Cluster ${clusterId}`);
    if (rows[0].old !== url)
      await q.query('DELETE FROM patroni_state WHERE cluster_id = $1', [clusterId]);
  });
}

/** Clusters with a Patroni URL and their servers: what the collector polls. */
export async function listPatroniClusters(q: Queryable): Promise<PatroniCluster[]> {
  return q.query<PatroniCluster & Record<string, unknown>>(
    `SELECT c.id AS "clusterId", c.name, c.patroni_url AS url, p.leader, p.timeline::int AS timeline, p.view,
            coalesce((SELECT json_agg(json_build_object('serverId', s.id, 'host', s.host, 'port', s.port)
                        ORDER BY s.id)
                        FROM servers s WHERE s.cluster_id = c.id AND s.enabled), '[]') AS servers
       FROM clusters c LEFT JOIN patroni_state p ON p.cluster_id = c.id
      WHERE c.patroni_url IS NOT NULL ORDER BY c.id`,
  );
}

export async function getPatroniState(q: Queryable, clusterId: number): Promise<PatroniState> {
  const rows = await q.query<PatroniState & Record<string, unknown>>(
    `SELECT c.patroni_url AS url, p.read_at AS "readAt", p.leader, p.timeline::int AS timeline, p.view,
            p.error, p.error_at AS "errorAt"
       FROM clusters c LEFT JOIN patroni_state p ON p.cluster_id = c.id WHERE c.id = $1`,
    [clusterId],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`Cluster ${clusterId}`);
  return row;
}

export interface PatroniEventInput {
  kind: Extract<EventKind, 'switchover' | 'failover'>;
  at: Date;
  title: string;
  details: string;
  /** the new leader's server, when it is registered */
  serverId: number | null;
}

/** One poll's outcome: the view read and the events it revealed, or why it failed. */
export async function recordPatroniPoll(
  db: Db,
  clusterId: number,
  at: Date,
  poll:
    | {
        ok: true;
        leader: string | null;
        timeline: number | null;
        view: unknown;
        events: PatroniEventInput[];
      }
    | { ok: false; error: string },
): Promise<void> {
  await db.tx(async (q) => {
    if (!poll.ok) {
      await q.query(
        `INSERT INTO patroni_state (cluster_id, error, error_at) VALUES ($1, $2, $3)
         ON CONFLICT (cluster_id) DO UPDATE SET error = $2, error_at = $3`,
        [clusterId, poll.error.slice(0, 1000), at],
      );
      return;
    }
    await q.query(
      `INSERT INTO patroni_state (cluster_id, read_at, leader, timeline, view)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (cluster_id) DO UPDATE
         SET read_at = $2, view = $5, error = NULL, error_at = NULL,
             -- a poll between the old leader's loss and the new one's promotion has no
             -- leader: keep the last one, so the next poll still sees the move
             leader = coalesce($3, patroni_state.leader),
             timeline = greatest($4, patroni_state.timeline)`,
      [clusterId, at, poll.leader, poll.timeline, JSON.stringify(poll.view)],
    );
    for (const e of poll.events)
      await q.query(
        `INSERT INTO events (at, kind, title, details, server_id, cluster_id)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [e.at, e.kind, e.title, e.details, e.serverId, clusterId],
      );
  });
}

export const registerMembersInput = z.strictObject({
  /** login for the new servers; default: that of the cluster's first server */
  username: z.string().min(1).max(63).optional(),
  password: z.string().max(1024).optional(),
  dbname: z.string().min(1).max(63).optional(),
});
export type RegisterMembersInput = z.input<typeof registerMembersInput>;

/**
 * Registers every member not yet a server of the cluster (matched on host and port),
 * named `<cluster>-<member>`, with the given login or the cluster's first server's.
 * Returns the servers created; members already registered are left as they are.
 */
export async function registerPatroniMembers(
  db: Db,
  box: SecretBox,
  clusterId: number,
  members: readonly PatroniMemberAddress[],
  raw: RegisterMembersInput,
): Promise<Server[]> {
  const input = registerMembersInput.parse(raw);
  return db.tx(async (q) => {
    const [cluster] = await q.query<{ name: string; environment: string }>(
      'SELECT name, environment FROM clusters WHERE id = $1 FOR UPDATE',
      [clusterId],
    );
    if (!cluster) throw new NotFoundError(`Cluster ${clusterId}`);
    const existing = await q.query<{ id: number; host: string; port: number }>(
      'SELECT id, host, port FROM servers WHERE cluster_id = $1 ORDER BY id',
      [clusterId],
    );
    const template = existing[0] ? await getServerConnection(q, box, existing[0].id) : null;
    const username = input.username ?? template?.user;
    if (!username)
      throw new ValidationError('The cluster has no server to copy a login from', {
        username: 'required when the cluster has no server yet',
      });
    const password = input.username ? input.password : template?.password;
    const created: Server[] = [];
    for (const m of members) {
      if (!m.host || !m.port) continue;
      const known = existing.some(
        (s) => s.host.toLowerCase() === m.host!.toLowerCase() && s.port === m.port,
      );
      if (known) continue;
      created.push(
        await createServer(q, box, {
          name: `${cluster.name}-${m.name}`.slice(0, 100),
          clusterId,
          environment: cluster.environment as Server['environment'],
          host: m.host,
          port: m.port,
          dbname: input.dbname ?? template?.dbname ?? 'postgres',
          username,
          password: password ?? null,
          sslmode: template?.sslmode ?? 'prefer',
          description: `Patroni member ${m.name}`,
        }),
      );
    }
    return created;
  });
}

/** The cluster's newest switchover and failover events, newest first. */
export async function listPatroniEvents(
  q: Queryable,
  clusterId: number,
  limit = 50,
): Promise<{ id: number; at: Date; kind: string; title: string; details: string | null }[]> {
  return q.query(
    `SELECT id, at, kind, title, details FROM events
      WHERE cluster_id = $1 AND kind IN ('switchover', 'failover')
      ORDER BY at DESC, id DESC LIMIT $2`,
    [clusterId, limit],
  );
}

/** The cluster's servers by host and port, to tell which members are registered. */
export async function listClusterServerAddresses(
  q: Queryable,
  clusterId: number,
): Promise<{ serverId: number; host: string; port: number }[]> {
  return q.query(
    'SELECT id AS "serverId", host, port FROM servers WHERE cluster_id = $1 ORDER BY id',
    [clusterId],
  );
}
