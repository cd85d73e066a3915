import { deleteBlackout } from '@pgvigil/db/alerting';
import { noContent } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

export const DELETE = withAuth<{ id: string }>('editor', async ({ params, audit }) => {
  const id = idParam(params.id, 'Blackout');
  await deleteBlackout(db(), id);
  await audit('blackout.delete', 'blackout', id);
  return noContent();
});
