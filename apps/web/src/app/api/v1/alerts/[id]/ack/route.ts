import { ackAlert as saveAck } from '@pgvigil/db/alerting';
import { ackAlert } from '@/contract';
import { noContent, readBody } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Acknowledge a firing or silenced alert: reminders stop until its severity rises. */
export const POST = withAuth<{ id: string }>(
  'editor',
  async ({ request, params, user, at, audit }) => {
    const alertId = idParam(params.id, 'Alert');
    const comment = (await readBody(request, ackAlert))?.comment ?? '';
    await db().tx((q) => saveAck(q, { alertId, userId: user.id, comment, at }));
    await audit('alert.ack', 'alert', alertId, { comment });
    return noContent();
  },
);
