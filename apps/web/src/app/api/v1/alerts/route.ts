import { ALERT_STATES, SEVERITIES } from '@pgvigil/db';
import { listAlerts } from '@pgvigil/db/alerting';
import { withAlertUnits } from '@pgvigil/alerting';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

const list = (values: readonly [string, ...string[]]) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)))
    .optional();
const query = z.object({
  state: list(ALERT_STATES),
  severity: list(SEVERITIES),
  server: z.coerce.number().int().positive().optional(),
  rule: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** GET /api/v1/alerts?state=firing,pending&severity=critical&server=1&rule=2&limit=100 */
export const GET = withAuth('viewer', async ({ request }) => {
  const q = parseOr400(query, Object.fromEntries(new URL(request.url).searchParams));
  const alerts = await withAlertUnits(
    db(),
    await listAlerts(db(), {
      ...(q.state ? { states: q.state as never } : {}),
      ...(q.severity ? { severities: q.severity as never } : {}),
      ...(q.server ? { serverId: q.server } : {}),
      ...(q.rule ? { ruleId: q.rule } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
    }),
  );
  return NextResponse.json({ alerts });
});
