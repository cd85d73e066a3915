import { z } from 'zod';
import { parseInput } from './parse';
import type { Queryable } from '../client';
import type { Environment } from '../domain';
import { NotFoundError } from '../errors';
import { listActiveAlerts, type ActiveAlert } from './list-active-alerts';
import { listFleet, type FleetServer } from './list-fleet';

export const clusterIdInput = z.object({ id: z.coerce.number().int().positive() });

export type ClusterOverview = {
  id: number;
  name: string;
  description: string;
  environment: Environment;
  tags: string[];
  members: FleetServer[];
  alerts: ActiveAlert[];
};

export async function getClusterOverview({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: z.input<typeof clusterIdInput>;
  at: Date;
}): Promise<ClusterOverview> {
  const { id } = parseInput(clusterIdInput, input);
  const [row] = await db.query<Omit<ClusterOverview, 'members' | 'alerts'>>(
    `SELECT id, name, description, environment, tags FROM clusters WHERE id = $1`,
    [id],
  );
  if (!row) throw new NotFoundError(`Cluster ${id}`, 'Create it under Admin > Clusters.');
  const [fleet, alerts] = await Promise.all([
    listFleet({ db, input: { clusterId: id, sort: 'name', dir: 'asc', limit: 1000 }, at }),
    listActiveAlerts({ db, input: { clusterId: id } }),
  ]);
  return { ...row, members: fleet.servers, alerts };
}
