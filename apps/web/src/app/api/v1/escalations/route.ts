import {
  createEscalationPolicy,
  listEscalationPolicies as readPolicies,
} from '@pgvigil/db/alerting';
import { createEscalation, listEscalations } from '@/contract';
import { readBody, reply } from '@/server/api';
import { escalationView } from '@/server/routing-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

export const GET = withAuth('viewer', async () =>
  reply(listEscalations, { escalations: (await readPolicies(db())).map(escalationView) }),
);

/** { name, steps: [{ channelIds, waitMinutes }], repeat? }: admin only, like routes. */
export const POST = withAuth('admin', async ({ request, audit }) => {
  const b = await readBody(request, createEscalation);
  const policy = await createEscalationPolicy(db(), b);
  await audit('escalation.create', 'escalation', policy.id, { name: policy.name });
  return reply(createEscalation, { escalation: escalationView(policy) });
});
