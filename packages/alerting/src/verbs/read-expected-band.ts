import { NotFoundError, ValidationError, type Queryable } from '@pgvigil/db';
import { listOverrides, listRules } from '@pgvigil/db/alerting';
import { readRollupRows } from '@pgvigil/db/metrics';
import type { Environment } from '@pgvigil/schema';
import { resolveOverrides } from '../core';
import { bandHistoryWindow, bandSeries, expectedBand, type ExpectedBand } from '../cycle/band';
import { overrideOf } from '../from-rows';
import { BUILTIN_BY_KEY, type RuleDefinition } from '../rules';

const MAX_DAYS = 31;

export interface BandServer {
  id: number;
  environment: Environment;
  clusterId: number | null;
}

/** The anomaly rule of that key, or a NotFoundError. */
export function anomalyRule(
  key: string,
): RuleDefinition & { anomaly: NonNullable<RuleDefinition['anomaly']> } {
  const def = BUILTIN_BY_KEY.get(key);
  if (def?.kind !== 'anomaly' || !def.anomaly) throw new NotFoundError(`Anomaly rule ${key}`);
  return def as RuleDefinition & { anomaly: NonNullable<RuleDefinition['anomaly']> };
}

/**
 * The expected band of an anomaly rule on one server, hour by hour over [from, to),
 * computed by the alerter's own baseline code from hourly rollups with the rule's
 * effective sensitivity there. `object` picks the series the rule judges (a
 * database, a standby); null means the server total.
 */
export async function readExpectedBand({
  db,
  server,
  ruleKey,
  from,
  to,
  object,
}: {
  db: Queryable;
  server: BandServer;
  ruleKey: string;
  from: Date;
  to: Date;
  object: string | null;
}) {
  const def = anomalyRule(ruleKey);
  if (object !== null && !def.source.objectKeys?.length)
    throw new ValidationError('This rule judges the server as a whole', {
      object: `${def.key} has no databases or standbys to pick`,
    });
  if (from >= to) throw new ValidationError('The window is empty', { from: 'must be before `to`' });
  if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000)
    throw new ValidationError('The window is too long', {
      to: `at most ${MAX_DAYS} days after from`,
    });

  const row = (await listRules(db)).find((r) => r.key === def.key);
  const overrides = row ? await listOverrides(db, row.id) : [];
  // only the sensitivity (the warning level) of an anomaly rule shapes its band
  const sensitivity = resolveOverrides(
    {
      enabled: row?.enabled ?? true,
      warning: row ? row.warning_threshold : def.warning,
      critical: null,
      forSeconds: def.forSeconds,
    },
    overrides.map((o) => ({ ...overrideOf(o), critical: null, forSeconds: null })),
    {
      environment: server.environment,
      clusterId: server.clusterId,
      serverId: server.id,
      databaseName: def.source.objectKeys?.[0] === 'datname' ? object : null,
    },
  ).warning;

  const rows = await readRollupRows(db, {
    probe: def.source.probe,
    level: '1h',
    columns: [...def.source.columns, ...(def.source.objectKeys ?? [])],
    serverIds: [server.id],
    ...bandHistoryWindow(from, to),
  });
  const band: ExpectedBand = expectedBand(
    def,
    bandSeries(def, rows, object),
    from,
    to,
    sensitivity.value,
  );
  return { def, sensitivity, band };
}
