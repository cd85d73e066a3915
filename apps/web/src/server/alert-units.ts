import { customRule } from '@pgvigil/alerter/web';
import type { Queryable } from '@pgvigil/db';
import type { AlertListItem } from '@pgvigil/db/alerting';

/**
 * Alerts with the unit of their value and threshold: built-in rules carry theirs;
 * a custom rule's follows its probe column and aggregation, as in its messages.
 */
export async function withAlertUnits<T extends AlertListItem>(db: Queryable, alerts: T[]) {
  const missing = [...new Set(alerts.filter((a) => a.unit === null).map((a) => a.rule_id))];
  if (missing.length === 0) return alerts;
  const rows = await db.query<{ id: number; key: string; name: string; definition: unknown }>(
    `SELECT id, key, name, definition FROM rules WHERE id = ANY($1) AND kind = 'custom'`,
    [missing],
  );
  const units = new Map<number, string>();
  for (const r of rows) {
    try {
      const def = customRule({ ...r, warning: null, critical: null, forSeconds: 0 });
      units.set(r.id, def.unit);
    } catch {
      // an invalid stored definition: the loop skips the rule, its numbers stay plain
    }
  }
  return alerts.map((a) => (a.unit === null ? { ...a, unit: units.get(a.rule_id) ?? null } : a));
}
