import { getAlert as readAlert } from '@pgvigil/db/alerting';
import { withAlertUnits } from '@pgvigil/alerting';
import { getAlert } from '@/contract';
import { reply } from '@/server/api';
import { alertEventView, alertView } from '@/server/alerting-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** One alert with every transition it went through. */
export const GET = withAuth<{ id: string }>('viewer', async ({ params }) => {
  const row = await readAlert(db(), idParam(params.id, 'Alert'));
  const [withUnit] = await withAlertUnits(db(), [row]);
  return reply(getAlert, {
    alert: { ...alertView(withUnit ?? row), events: row.events.map(alertEventView) },
  });
});
