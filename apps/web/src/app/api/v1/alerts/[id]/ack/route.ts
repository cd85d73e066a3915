import { ackAlert } from '@pgvigil/db/alerting';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam, readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

const body = z
  .object({ comment: z.string().trim().max(2000).default('') })
  .strict()
  .default({ comment: '' });

/** Acknowledge a firing or silenced alert: reminders stop until its severity rises. */
export const POST = withAuth<{ id: string }>(
  'editor',
  async ({ request, params, user, at, audit }) => {
    const alertId = idParam(params.id, 'Alert');
    const { comment } = await readJson(request, body);
    await db().tx((q) => ackAlert(q, { alertId, userId: user.id, comment, at }));
    await audit('alert.ack', 'alert', alertId, { comment });
    return NextResponse.json({ ok: true });
  },
);
