import { deleteChannel } from '@pgvigil/db/alerting';
import { noContent } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

export const DELETE = withAuth<{ id: string }>('admin', async ({ params, audit }) => {
  const id = idParam(params.id, 'Channel');
  await deleteChannel(db(), id);
  await audit('channel.delete', 'channel', id);
  return noContent();
});
