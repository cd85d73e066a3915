import { ALERT_STATES, SEVERITIES, type AlertState, type Severity } from '@pgvigil/schema';
import { listAlerts as readAlerts } from '@pgvigil/db/alerting';
import { withAlertUnits } from '@pgvigil/alerting';
import { listAlerts } from '@/contract';
import { pageByOffset, readQuery, reply } from '@/server/api';
import { alertView } from '@/server/alerting-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

const split = <T extends string>(list: string | undefined, of: readonly T[]) =>
  list ? list.split(',').filter((v): v is T => of.includes(v as T)) : undefined;

/** GET /api/v1/alerts?state=firing,pending&severity=critical&serverId=1&ruleId=2&limit=100 */
export const GET = withAuth('viewer', async ({ request }) => {
  const q = readQuery(request, listAlerts);
  const states = split<AlertState>(q.state, ALERT_STATES);
  const severities = split<Severity>(q.severity, SEVERITIES);
  const page = await pageByOffset(q, async ({ limit, offset }) =>
    withAlertUnits(
      db(),
      await readAlerts(db(), {
        ...(states ? { states } : {}),
        ...(severities ? { severities } : {}),
        ...(q.serverId ? { serverId: q.serverId } : {}),
        ...(q.ruleId ? { ruleId: q.ruleId } : {}),
        limit,
        offset,
      }),
    ),
  );
  return reply(listAlerts, { alerts: page.items.map(alertView), nextCursor: page.nextCursor });
});
