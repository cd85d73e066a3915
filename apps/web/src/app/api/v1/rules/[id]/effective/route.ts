import { BUILTIN_BY_KEY, overrideOf, resolveOverrides, ruleTuning } from '@pgvigil/alerting';
import { ValidationError } from '@pgvigil/db';
import { getRule, listAlertTargets, listOverrides } from '@pgvigil/db/alerting';
import { getEffectiveTuning } from '@/contract';
import { readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** The rule's effective values on `?serverId=` (and `?databaseName=`), each with its level. */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params }) => {
  const rule = await getRule(db(), idParam(params.id, 'Rule'));
  const q = readQuery(request, getEffectiveTuning);
  const server = (await listAlertTargets(db())).find((t) => t.id === q.serverId);
  if (!server) throw new ValidationError('Unknown server', { serverId: 'no such enabled server' });
  const effective = resolveOverrides(
    ruleTuning(rule, BUILTIN_BY_KEY.get(rule.key)),
    (await listOverrides(db(), rule.id)).map(overrideOf),
    {
      environment: server.environment,
      clusterId: server.cluster_id,
      serverId: server.id,
      databaseName: q.databaseName ?? null,
    },
  );
  return reply(getEffectiveTuning, { effective });
});
