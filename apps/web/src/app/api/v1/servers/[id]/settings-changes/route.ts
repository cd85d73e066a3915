import { listSettingChanges as readSettingChanges } from '@pgvigil/db/dashboard';
import { listSettingChanges } from '@/contract';
import { pageByOffset, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Setting changes, newest first; the current non-default settings are under /settings. */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params }) => {
  const q = readQuery(request, listSettingChanges);
  const page = await pageByOffset(q, (window) =>
    readSettingChanges({ db: db(), input: { serverId: params.id, ...window } }),
  );
  return reply(listSettingChanges, { changes: page.items, nextCursor: page.nextCursor });
});
