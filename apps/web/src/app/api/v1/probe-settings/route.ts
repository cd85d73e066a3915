import { listProbeSettings } from '@/contract';
import { pageOf, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { probeSettingsView, targetOf } from '@/server/probe-settings';

export const dynamic = 'force-dynamic';

/** Every probe's effective enabled/interval/retention at `?clusterId=` or `?serverId=`, each with its source. */
export const GET = withAuth('viewer', async ({ request }) => {
  const q = readQuery(request, listProbeSettings);
  const target = targetOf(q);
  const page = pageOf(await probeSettingsView(db(), target), q);
  return reply(listProbeSettings, { ...target, probes: page.items, nextCursor: page.nextCursor });
});
