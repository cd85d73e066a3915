import { createHash } from 'node:crypto';
import { coerce } from './run-probe';
import type { ProbeDefinition } from './types';

// JSON with object keys sorted: jsonb hands keys back in its own order.
function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, canonical(obj[k])]),
    );
  }
  return value;
}

/**
 * A fingerprint of one change-tracked snapshot that is the same whether the rows come
 * straight from the probe or back from the datastore: values typed by the column list,
 * rows in any order.
 */
export function snapshotHash(
  probe: Pick<ProbeDefinition, 'columns'>,
  rows: readonly Record<string, unknown>[],
): string {
  const lines = rows
    .map((r) => JSON.stringify(probe.columns.map((c) => canonical(coerce(c, r[c.name])))))
    .sort();
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}
