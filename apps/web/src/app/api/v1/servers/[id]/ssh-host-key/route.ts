import { clearSshHostKey } from '@pgvigil/db/registry';
import { noContent } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';
type Params = { id: string };

/** Forgets the pinned host key of the server's bastion (rebuilt on purpose). */
export const DELETE = withAuth<Params>('admin', async ({ params, audit }) => {
  const id = idParam(params.id, 'Server');
  await clearSshHostKey(db(), id);
  await audit('server.ssh_host_key_cleared', 'server', id, {});
  return noContent();
});
