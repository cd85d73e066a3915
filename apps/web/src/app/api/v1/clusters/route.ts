import { clusterInputSchema, createCluster, listClusters } from '@pgvigil/db/registry';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

export const GET = withAuth('viewer', async () =>
  NextResponse.json({ clusters: await listClusters(db()) }),
);

export const POST = withAuth('admin', async ({ request, audit }) => {
  const input = await readJson(request, clusterInputSchema.strict());
  const cluster = await createCluster(db(), input);
  await audit('cluster.create', 'cluster', cluster.id, { name: cluster.name });
  return NextResponse.json({ cluster }, { status: 201 });
});
