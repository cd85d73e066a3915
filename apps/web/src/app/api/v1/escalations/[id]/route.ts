import {
  deleteEscalationPolicy,
  updateEscalationPolicy as writePolicy,
} from '@pgvigil/db/alerting';
import { updateEscalation } from '@/contract';
import { noContent, readBody, reply } from '@/server/api';
import { escalationView } from '@/server/routing-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

export const PATCH = withAuth<{ id: string }>('admin', async ({ request, params, audit }) => {
  const id = idParam(params.id, 'Escalation policy');
  const changes = await readBody(request, updateEscalation);
  const policy = await writePolicy(db(), id, changes);
  await audit('escalation.update', 'escalation', id, changes);
  return reply(updateEscalation, { escalation: escalationView(policy) });
});

/** A policy some route names answers 409 with those routes' names. */
export const DELETE = withAuth<{ id: string }>('admin', async ({ params, audit }) => {
  const id = idParam(params.id, 'Escalation policy');
  const { name } = await deleteEscalationPolicy(db(), id);
  await audit('escalation.delete', 'escalation', id, { name });
  return noContent();
});
