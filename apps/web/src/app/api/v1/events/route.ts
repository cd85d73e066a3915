import { createEvent as insertEvent } from '@pgvigil/db/alerting';
import { createEvent } from '@/contract';
import { readBody, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** A marker from a deploy pipeline (or a person): on the timeline of later alerts. */
export const POST = withAuth('editor', async ({ request, user, at, audit }) => {
  const body = await readBody(request, createEvent);
  const e = await insertEvent(db(), body, { userId: user.id, at });
  await audit('event.create', 'event', e.id, { kind: e.kind, title: e.title });
  return reply(createEvent, {
    event: {
      id: e.id,
      at: e.at,
      kind: e.kind,
      title: e.title,
      details: e.details,
      serverId: e.server_id,
      clusterId: e.cluster_id,
      createdAt: e.created_at,
    },
  });
});
