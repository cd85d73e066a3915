import { ackAlert as saveAck } from '@pgvigil/db/alerting';
import { ackAlert } from '@/contract';
import { noContent, readBody } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Acknowledge a firing or silenced alert, for a while or until it clears, optionally naming its owner. */
export const POST = withAuth<{ id: string }>(
  'editor',
  async ({ request, params, user, at, audit }) => {
    const alertId = idParam(params.id, 'Alert');
    const b = (await readBody(request, ackAlert)) ?? {};
    const comment = b.comment ?? '';
    await db().tx((q) =>
      saveAck(q, {
        alertId,
        userId: user.id,
        comment,
        at,
        ...(b.forMinutes ? { forMinutes: b.forMinutes } : {}),
        ...(b.ownerId !== undefined ? { ownerId: b.ownerId } : {}),
      }),
    );
    await audit('alert.ack', 'alert', alertId, {
      comment,
      ...(b.forMinutes ? { forMinutes: b.forMinutes } : {}),
    });
    return noContent();
  },
);
