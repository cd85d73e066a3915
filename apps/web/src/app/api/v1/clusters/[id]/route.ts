import {
  clusterPatchSchema,
  deleteCluster as removeCluster,
  getCluster as readCluster,
  updateCluster as writeCluster,
} from '@pgvigil/db/registry';
import { getCluster, updateCluster } from '@/contract';
import { noContent, readBody, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam, parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';
type Params = { id: string };

export const GET = withAuth<Params>('viewer', async ({ params }) =>
  reply(getCluster, { cluster: await readCluster(db(), idParam(params.id, 'Cluster')) }),
);

export const PATCH = withAuth<Params>('admin', async ({ request, params, audit }) => {
  const id = idParam(params.id, 'Cluster');
  const input = parseOr400(clusterPatchSchema, await readBody(request, updateCluster));
  const cluster = await writeCluster(db(), id, input);
  await audit('cluster.update', 'cluster', id, { fields: Object.keys(input), name: cluster.name });
  return reply(updateCluster, { cluster });
});

/** Its servers stay, ungrouped. */
export const DELETE = withAuth<Params>('admin', async ({ params, audit }) => {
  const cluster = await removeCluster(db(), idParam(params.id, 'Cluster'));
  await audit('cluster.delete', 'cluster', cluster.id, { name: cluster.name });
  return noContent();
});
