import { getConfigDriftView, markConfigBaseline as writeBaseline } from '@pgvigil/db/dashboard';
import { getConfigBaseline, markConfigBaseline } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';
type Params = { id: string };

export const GET = withAuth<Params>('viewer', async ({ params }) => {
  const serverId = idParam(params.id, 'Server');
  return reply(getConfigBaseline, await getConfigDriftView({ db: db(), input: { serverId } }));
});

/** Marks the newest settings and pg_hba.conf snapshots as the known-good configuration. */
export const POST = withAuth<Params>('admin', async ({ params, user, at, audit }) => {
  const serverId = idParam(params.id, 'Server');
  const baseline = await writeBaseline({ db: db(), input: { serverId, userId: user.id, at } });
  await audit('server.config_baseline_marked', 'server', serverId, {
    settings: baseline.settings,
    hbaLines: baseline.hbaLines,
  });
  return reply(markConfigBaseline, await getConfigDriftView({ db: db(), input: { serverId } }));
});
