import { listChangedSettings } from '@pgvigil/db/dashboard';
import { listSettings } from '@/contract';
import { pageOf, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The settings not at their built-in default, from the newest snapshot, by name. */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params }) => {
  const settings = await listChangedSettings({ db: db(), input: { serverId: params.id } });
  const page = pageOf(settings, readQuery(request, listSettings));
  return reply(listSettings, { settings: page.items, nextCursor: page.nextCursor });
});
