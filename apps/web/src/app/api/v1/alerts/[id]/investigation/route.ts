import { investigateAlert } from '@pgvigil/alerting';
import { getAlertInvestigation } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Why the alert fired: evidence from the hour before it and likely causes, ranked. */
export const GET = withAuth<{ id: string }>('viewer', async ({ params, at }) => {
  const investigation = await investigateAlert(db(), idParam(params.id, 'Alert'), at);
  return reply(getAlertInvestigation, { investigation });
});
