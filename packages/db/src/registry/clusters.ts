import { z } from 'zod';
import type { Db, Queryable } from '../client';
import { ENVIRONMENTS, type Environment } from '../domain';
import { ConflictError, NotFoundError } from '../errors';
import { deleteScopedSettings } from './scoped-settings';

export const tagsSchema = z.array(z.string().trim().min(1).max(50)).max(50);

const clusterFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000),
  environment: z.enum(ENVIRONMENTS),
  tags: tagsSchema,
};
export const clusterInputSchema = z.object({
  ...clusterFields,
  description: clusterFields.description.default(''),
  environment: clusterFields.environment.default('production'),
  tags: clusterFields.tags.default([]),
});
/** A patch: absent fields are left as they are (no defaults apply). */
export const clusterPatchSchema = z.object(clusterFields).partial();

export type Cluster = {
  id: number;
  name: string;
  description: string;
  environment: Environment;
  tags: string[];
  serverCount: number;
  createdAt: Date;
  updatedAt: Date;
};

const SELECT = `SELECT c.id, c.name, c.description, c.environment, c.tags,
  (SELECT count(*)::int FROM servers s WHERE s.cluster_id = c.id) AS "serverCount",
  c.created_at AS "createdAt", c.updated_at AS "updatedAt" FROM clusters c`;

function duplicate(err: unknown, name: string | undefined): never {
  if (err instanceof ConflictError)
    throw new ConflictError(`A cluster named "${name}" already exists`);
  throw err;
}

export async function listClusters(q: Queryable): Promise<Cluster[]> {
  return q.query<Cluster>(`${SELECT} ORDER BY lower(c.name)`);
}

export async function getCluster(q: Queryable, id: number): Promise<Cluster> {
  const rows = await q.query<Cluster>(`${SELECT} WHERE c.id = $1`, [id]);
  if (!rows[0]) throw new NotFoundError(`Cluster ${id}`);
  return rows[0];
}

export async function createCluster(
  q: Queryable,
  input: z.input<typeof clusterInputSchema>,
): Promise<Cluster> {
  const v = clusterInputSchema.parse(input);
  const rows = await q
    .query<{ id: number }>(
      'INSERT INTO clusters (name, description, environment, tags) VALUES ($1, $2, $3, $4) RETURNING id',
      [v.name, v.description, v.environment, v.tags],
    )
    .catch((err: unknown) => duplicate(err, v.name));
  return getCluster(q, rows[0]?.id ?? 0);
}

export async function updateCluster(
  q: Queryable,
  id: number,
  patch: z.input<typeof clusterPatchSchema>,
): Promise<Cluster> {
  const v = clusterPatchSchema.parse(patch);
  const rows = await q
    .query<{ id: number }>(
      `UPDATE clusters SET name = coalesce($2, name), description = coalesce($3, description),
              environment = coalesce($4, environment), tags = coalesce($5, tags), updated_at = now()
        WHERE id = $1 RETURNING id`,
      [id, v.name ?? null, v.description ?? null, v.environment ?? null, v.tags ?? null],
    )
    .catch((err: unknown) => duplicate(err, v.name));
  if (!rows[0]) throw new NotFoundError(`Cluster ${id}`);
  return getCluster(q, id);
}

/** Deleting a cluster keeps its servers, ungrouped; its scoped overrides and blackouts go. */
export async function deleteCluster(db: Db, id: number): Promise<Cluster> {
  return db.tx(async (q) => {
    const cluster = await getCluster(q, id);
    await deleteScopedSettings(q, 'cluster', id);
    await q.query('DELETE FROM clusters WHERE id = $1', [id]);
    return cluster;
  });
}
