import {
  clusterInputSchema,
  createCluster as insertCluster,
  listClusters as readClusters,
} from '@pgvigil/db/registry';
import { createCluster, listClusters } from '@/contract';
import { pageOf, readBody, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

export const GET = withAuth('viewer', async ({ request }) => {
  const page = pageOf(await readClusters(db()), readQuery(request, listClusters));
  return reply(listClusters, { clusters: page.items, nextCursor: page.nextCursor });
});

export const POST = withAuth('admin', async ({ request, audit }) => {
  const input = parseOr400(clusterInputSchema, await readBody(request, createCluster));
  const cluster = await insertCluster(db(), input);
  await audit('cluster.create', 'cluster', cluster.id, { name: cluster.name });
  return reply(createCluster, { cluster });
});
