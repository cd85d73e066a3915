import { ValidationError } from '@pgvigil/db';
import { getCluster, recordPatroniPoll, setClusterPatroniUrl } from '@pgvigil/db/registry';
import { PatroniReadError, patroniUrlSchema, readPatroni } from '@pgvigil/probes';
import { getClusterPatroni, setClusterPatroni } from '@/contract';
import { readBody, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { loadPatroni } from '@/server/patroni';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';
type Params = { id: string };

export const GET = withAuth<Params>('viewer', async ({ params }) => {
  const id = idParam(params.id, 'Cluster');
  await getCluster(db(), id);
  return reply(getClusterPatroni, { patroni: await loadPatroni(id) });
});

/** Read once before it is stored: a URL that is not a Patroni API says why, now. */
export const PUT = withAuth<Params>('admin', async ({ request, params, audit }) => {
  const id = idParam(params.id, 'Cluster');
  const body = await readBody(request, setClusterPatroni);
  await getCluster(db(), id);
  let url: string | null = null;
  if (body.url !== null) {
    const parsed = patroniUrlSchema.safeParse(body.url);
    if (!parsed.success)
      throw new ValidationError('Not a Patroni REST URL', {
        url: parsed.error.issues[0]?.message ?? 'an http:// or https:// URL',
      });
    url = parsed.data;
    const view = await readPatroni(url).catch((err: unknown) => {
      if (err instanceof PatroniReadError)
        throw new ValidationError(`Patroni did not answer: ${err.message}`, {
          url: 'give the REST API of one member, e.g. http://10.0.0.5:8008',
        });
      throw err;
    });
    await setClusterPatroniUrl(db(), id, url);
    await recordPatroniPoll(db(), id, new Date(), {
      ok: true,
      leader: view.leader,
      timeline: view.timeline,
      view,
      events: [],
    });
  } else await setClusterPatroniUrl(db(), id, null);
  await audit('cluster.patroni', 'cluster', id, { url });
  return reply(setClusterPatroni, { patroni: await loadPatroni(id) });
});
