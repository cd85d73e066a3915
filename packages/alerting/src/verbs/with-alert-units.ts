import type { Queryable } from '@pgvigil/db';
import { listRules, type AlertListItem } from '@pgvigil/db/alerting';
import { customDefinitionOf } from '../from-rows';

/**
 * Alerts with the unit of their value and threshold: built-in rules carry theirs;
 * a custom rule's follows its probe column and aggregation, as in its messages.
 */
export async function withAlertUnits<T extends AlertListItem>(
  db: Queryable,
  alerts: T[],
): Promise<T[]> {
  const missing = new Set(alerts.filter((a) => a.unit === null).map((a) => a.rule_id));
  if (missing.size === 0) return alerts;
  const units = new Map<number, string>();
  for (const row of await listRules(db)) {
    if (row.kind !== 'custom' || !missing.has(row.id)) continue;
    // an invalid stored definition: the loop skips the rule, its numbers stay plain
    const def = customDefinitionOf(row);
    if (def) units.set(row.id, def.unit);
  }
  return alerts.map((a) => (a.unit === null ? { ...a, unit: units.get(a.rule_id) ?? null } : a));
}
