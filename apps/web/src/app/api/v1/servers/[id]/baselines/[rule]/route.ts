import {
  BUILTIN_BY_KEY,
  bandHistoryWindow,
  bandSeries,
  expectedBand,
  resolveOverrides,
} from '@pgvigil/alerter/web';
import { NotFoundError, ValidationError } from '@pgvigil/db';
import { listOverrides, listRules } from '@pgvigil/db/alerting';
import { readRollupRows } from '@pgvigil/db/metrics';
import { getServer } from '@pgvigil/db/registry';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam, parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

const MAX_DAYS = 31;

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
    const def = BUILTIN_BY_KEY.get(params.rule);
    if (def?.kind !== 'anomaly' || !def.anomaly)
      throw new NotFoundError(`Anomaly rule ${params.rule}`);
    const q = parseOr400(query, Object.fromEntries(new URL(request.url).searchParams));
    if (q.object !== null && !def.source.objectKeys?.length)
      throw new ValidationError('This rule judges the server as a whole', {
        object: `${def.key} has no databases or standbys to pick`,
      });
    const to = q.to ?? at;
    const from = q.from ?? new Date(to.getTime() - 86_400_000);
    if (from >= to)
      throw new ValidationError('The window is empty', { from: 'must be before `to`' });
    if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000)
      throw new ValidationError('The window is too long', {
        to: `at most ${MAX_DAYS} days after from`,
      });

    const row = (await listRules(db())).find((r) => r.key === def.key);
    const overrides = row ? await listOverrides(db(), row.id) : [];
    const sensitivity = resolveOverrides(
      {
        enabled: row?.enabled ?? true,
        warning: row ? row.warning_threshold : def.warning,
        critical: null,
        forSeconds: def.forSeconds,
      },
      overrides.map((o) => ({
        scope: o.scope_type,
        scopeId: o.scope_id,
        scopeValue: o.scope_value,
        enabled: o.enabled,
        warning: o.warning_threshold,
        critical: null,
        forSeconds: null,
        params: o.params,
      })),
      {
        environment: server.environment,
        clusterId: server.clusterId,
        serverId: server.id,
        databaseName: def.source.objectKeys?.[0] === 'datname' ? q.object : null,
      },
    ).warning;

    const rows = await readRollupRows(db(), {
      probe: def.source.probe,
      level: '1h',
      columns: [...def.source.columns, ...(def.source.objectKeys ?? [])],
      serverIds: [server.id],
      ...bandHistoryWindow(from, to),
    });
    const band = expectedBand(def, bandSeries(def, rows, q.object), from, to, sensitivity.value);
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
