import { ValidationError } from '@pgvigil/db';
import { getPatroniState, registerPatroniMembers } from '@pgvigil/db/registry';
import { PatroniReadError, readPatroni } from '@pgvigil/probes';
import { registerClusterPatroniMembers } from '@/contract';
import { readBody, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';
type Params = { id: string };

/** The members as Patroni lists them now; those already servers are left as they are. */
export const POST = withAuth<Params>('admin', async ({ request, params, audit }) => {
  const id = idParam(params.id, 'Cluster');
  const body = await readBody(request, registerClusterPatroniMembers);
  const { url } = await getPatroniState(db(), id);
  if (!url)
    throw new ValidationError('The cluster has no Patroni URL', {
      url: 'set it first (PUT /api/v1/clusters/{id}/patroni)',
    });
  const view = await readPatroni(url).catch((err: unknown) => {
    if (err instanceof PatroniReadError)
      throw new ValidationError(`Patroni did not answer: ${err.message}`);
    throw err;
  });
  const servers = await registerPatroniMembers(db(), await secretBox(), id, view.members, body);
  await audit('cluster.patroni_members', 'cluster', id, {
    servers: servers.map((s) => s.name),
  });
  return reply(registerClusterPatroniMembers, { servers });
});
