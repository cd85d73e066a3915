import { anomalyRule, readExpectedBand } from '@pgvigil/alerting';
import { getServer } from '@pgvigil/db/registry';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam, parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

const query = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** the rule's object: a database name, a standby as `application_name.client_addr` */
    object: z.string().min(1).max(200).optional(),
  })
  .transform((q) => ({
    from: q.from ? new Date(q.from) : null,
    to: q.to ? new Date(q.to) : null,
    object: q.object ?? null,
  }));

/**
 * The expected band of an anomaly rule on one server, hour by hour over
 * `?from=&to=` (ISO, default the last 24 hours), computed by the alerter's own
 * baseline code from the hourly rollups with the rule's effective sensitivity
 * there. `?object=` picks the series the rule judges (a database, a standby);
 * without it, the server total.
 */
export const GET = withAuth<{ id: string; rule: string }>(
  'viewer',
  async ({ request, params, at }) => {
    const server = await getServer(db(), idParam(params.id, 'Server'));
    anomalyRule(params.rule); // an unknown rule is a 404 before any query problem
    const q = parseOr400(query, Object.fromEntries(new URL(request.url).searchParams));
    const to = q.to ?? at;
    const from = q.from ?? new Date(to.getTime() - 86_400_000);
    const { def, sensitivity, band } = await readExpectedBand({
      db: db(),
      server,
      ruleKey: params.rule,
      from,
      to,
      object: q.object,
    });
    return NextResponse.json({
      rule: def.key,
      name: def.name,
      serverId: server.id,
      object: q.object,
      unit: def.anomaly.metricUnit,
      sensitivity,
      ready: band.ready,
      reason: band.reason,
      points: band.points,
    });
  },
);
