import { anomalyRule, readExpectedBand } from '@pgvigil/alerting';
import { getServer } from '@pgvigil/db/registry';
import { readBaseline } from '@/contract';
import { readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

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
    const raw = readQuery(request, readBaseline);
    const q = { object: raw.object ?? null };
    const to = raw.to ? new Date(raw.to) : at;
    const from = raw.from ? new Date(raw.from) : new Date(to.getTime() - 86_400_000);
    const { def, sensitivity, band } = await readExpectedBand({
      db: db(),
      server,
      ruleKey: params.rule,
      from,
      to,
      object: q.object,
    });
    return reply(readBaseline, {
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
