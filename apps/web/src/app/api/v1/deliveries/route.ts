import { listOutbox } from '@pgvigil/db/alerting';
import { listDeliveries } from '@/contract';
import { pageByOffset, readQuery, reply } from '@/server/api';
import { deliveryView } from '@/server/alerting-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Notifications queued and sent, newest first, with attempts and the last error; `?channelId=`. */
export const GET = withAuth('viewer', async ({ request }) => {
  const q = readQuery(request, listDeliveries);
  const page = await pageByOffset(q, ({ limit, offset }) =>
    listOutbox(db(), { ...(q.channelId ? { channelId: q.channelId } : {}), limit, offset }),
  );
  return reply(listDeliveries, {
    deliveries: page.items.map(deliveryView),
    nextCursor: page.nextCursor,
  });
});
