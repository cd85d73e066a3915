import type { Queryable } from '../client';
import { NotFoundError, ValidationError } from '../errors';
import {
  isNumeric,
  type MetricColumn,
  type MetricScope,
  type MetricSpec,
} from '@pgvigil/schema/metric-spec';

export type CatalogEntry = Pick<
  MetricSpec,
  'name' | 'scope' | 'intervalSeconds' | 'columns' | 'rollups' | 'sparse'
> & {
  changeTracked: boolean;
};

/** What metrics.<probe> holds, as the collector registered it. */
export async function getMetricCatalog(db: Queryable, probe: string): Promise<CatalogEntry> {
  const rows = await db.query<{
    scope: MetricScope;
    interval_seconds: number;
    columns: MetricColumn[];
    change_tracked: boolean;
    rollups: boolean;
    keyframe_seconds: number | null;
  }>(
    `SELECT c.scope, c.interval_seconds, c.columns, c.rollups, c.keyframe_seconds, t.change_tracked
       FROM metric_catalog c JOIN metric_tables t USING (table_name)
      WHERE c.table_name = $1`,
    [probe],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`Probe ${probe}`, 'No collector has stored this probe yet.');
  return {
    name: probe,
    scope: row.scope,
    intervalSeconds: row.interval_seconds,
    columns: row.columns,
    changeTracked: row.change_tracked,
    rollups: row.rollups,
    ...(row.keyframe_seconds ? { sparse: { keyframeSeconds: row.keyframe_seconds } } : {}),
  };
}

/**
 * How long after its last stored row a sparse probe's row still stands for the
 * object (a keyframe stores every live row at least that often); 0 when dense.
 */
export const carrySeconds = (entry: Pick<CatalogEntry, 'sparse' | 'intervalSeconds'>) =>
  entry.sparse ? entry.sparse.keyframeSeconds + entry.intervalSeconds : 0;

/** Every registered probe table, for pickers in the UI and the alerter's rule editor. */
export async function listMetricCatalog(db: Queryable): Promise<CatalogEntry[]> {
  const rows = await db.query<{ table_name: string }>(
    'SELECT table_name FROM metric_catalog ORDER BY table_name',
  );
  return Promise.all(rows.map((r) => getMetricCatalog(db, r.table_name)));
}

/** The named columns of an entry; unknown names are a ValidationError (they come from users). */
export function pickColumns(
  entry: CatalogEntry,
  names: readonly string[] | undefined,
  numericOnly: boolean,
): MetricColumn[] {
  const chosen = names
    ? names.map((n) => {
        const col = entry.columns.find((c) => c.name === n);
        if (!col) throw new ValidationError(`${entry.name} has no column ${n}`, { columns: n });
        return col;
      })
    : entry.columns.filter((c) => !c.key);
  if (numericOnly) {
    const bad = chosen.find((c) => !isNumeric(c));
    if (bad && names) throw new ValidationError(`${entry.name}.${bad.name} is not numeric`);
    return chosen.filter(isNumeric);
  }
  return chosen;
}
