import { clusterPatchSchema, deleteCluster, getCluster, updateCluster } from '@pgvigil/db/registry';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam, readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';
type Params = { id: string };

export const GET = withAuth<Params>('viewer', async ({ params }) =>
  NextResponse.json({ cluster: await getCluster(db(), idParam(params.id, 'Cluster')) }),
);

export const PATCH = withAuth<Params>('admin', async ({ request, params, audit }) => {
  const id = idParam(params.id, 'Cluster');
  const input = await readJson(request, clusterPatchSchema.strict());
  const cluster = await updateCluster(db(), id, input);
  await audit('cluster.update', 'cluster', id, { fields: Object.keys(input), name: cluster.name });
  return NextResponse.json({ cluster });
});

/** Its servers stay, ungrouped. */
export const DELETE = withAuth<Params>('admin', async ({ params, audit }) => {
  const cluster = await deleteCluster(db(), idParam(params.id, 'Cluster'));
  await audit('cluster.delete', 'cluster', cluster.id, { name: cluster.name });
  return NextResponse.json({ deleted: cluster.id });
});
