// The context investigate_alert gives beside the root-cause investigation
// (packages/alerting): the alert, its rule, its server and the rule's metric
// around the start.
import type { Db } from '@pgvigil/db';
import { NotFoundError, ValidationError } from '@pgvigil/db';
import { getAlert, getRule } from '@pgvigil/db/alerting';
import { getServerOverview } from '@pgvigil/db/dashboard';
import { readSeries } from '@pgvigil/db/metrics';
import { alertView, BUILTIN_BY_KEY, customDefinitionOf, withAlertUnits } from '@pgvigil/alerting';

const HOUR = 3_600_000;
/** points per series: enough to see the shape of the hour before and after */
const MAX_POINTS = 60;
const MAX_SERIES_POINTS = 600;

export async function alertContext(db: Db, alertId: number, at: Date) {
  const row = await getAlert(db, alertId);
  const [withUnit] = await withAlertUnits(db, [row]);
  const rule = await getRule(db, row.rule_id);
  const def =
    BUILTIN_BY_KEY.get(rule.key) ?? (rule.kind === 'custom' ? customDefinitionOf(rule) : null);
  const server = row.server_id
    ? await getServerOverview({ db, input: { id: row.server_id }, at }).catch((err: unknown) => {
        if (err instanceof NotFoundError) return null;
        throw err;
      })
    : null;
  const from = new Date(row.started_at.getTime() - HOUR);
  const to = new Date(Math.min(at.getTime(), (row.resolved_at ?? at).getTime() + HOUR));
  let metric: Record<string, unknown> | null = null;
  if (def && row.server_id && from < to) {
    const keys = objectKeys(def.source.objectKeys ?? [], row.object_key);
    try {
      const s = await readSeries(db, {
        probe: def.source.probe,
        serverId: row.server_id,
        ...(row.database_name ? { database: row.database_name } : {}),
        columns: [...def.source.columns],
        ...(keys ? { keys } : {}),
        from,
        to,
        maxPoints: MAX_POINTS,
      });
      metric = {
        probe: def.source.probe,
        columns: def.source.columns,
        resolution: s.resolution,
        rates: s.rates,
        from,
        to,
        points: s.points
          .slice(-MAX_SERIES_POINTS)
          .map((p) => ({ t: p.t, key: p.key, ...p.values })),
      };
    } catch (err) {
      if (!(err instanceof NotFoundError) && !(err instanceof ValidationError)) throw err;
      metric = { probe: def.source.probe, columns: def.source.columns, unavailable: err.message };
    }
  }
  return {
    alert: {
      ...alertView(withUnit ?? row),
      events: row.events.map((e) => ({
        at: e.at,
        fromState: e.from_state,
        toState: e.to_state,
        severity: e.severity,
        value: e.value,
        reason: e.reason,
      })),
    },
    rule: {
      id: rule.id,
      key: rule.key,
      name: rule.name,
      kind: rule.kind,
      warning: rule.warning_threshold,
      critical: rule.critical_threshold,
      forSeconds: rule.for_seconds,
      explanation: def?.explanation ?? null,
      runbook: def?.runbook ?? null,
    },
    server,
    metric,
  };
}

/** `schema.name` back into the rule's key columns, when the rule names objects that way. */
function objectKeys(names: readonly string[], objectKey: string | null) {
  if (!objectKey || names.length === 0 || names.length > 2) return undefined;
  if (names.length === 1) return { [names[0]!]: objectKey };
  const dot = objectKey.indexOf('.');
  if (dot < 0) return undefined;
  return { [names[0]!]: objectKey.slice(0, dot), [names[1]!]: objectKey.slice(dot + 1) };
}
