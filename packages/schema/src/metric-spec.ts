/**
 * The shape of a metrics table, derived from a probe's column list. The probes
 * package builds its definitions on these types, so a probe's columns are the only
 * column list: DDL, COPY and reads all come from here.
 */
export const METRIC_SCOPES = ['instance', 'database'] as const;
export type MetricScope = (typeof METRIC_SCOPES)[number];

export const COLUMN_TYPES = [
  'int',
  'bigint',
  'double',
  'text',
  'boolean',
  'timestamptz',
  'jsonb',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export const COLUMN_UNITS = ['bytes', 'ms', 'seconds', 'percent', 'count', 'xid', 'lsn'] as const;
export type ColumnUnit = (typeof COLUMN_UNITS)[number];

export interface MetricColumn {
  name: string;
  type: ColumnType;
  /** cumulative counter: stored raw, read as a per-second rate */
  counter?: boolean;
  /**
   * already a difference since the previous sample (the collector diffed the
   * server's counter): summed over a window, never turned into a rate again
   */
  delta?: boolean;
  /** part of a row's identity within one sample (state, relid, queryid...) */
  key?: boolean;
  /**
   * seconds that grow with wall time while the row's state holds (a query's running
   * time): a sparse probe's reader extends a carried-forward value by the time since
   */
  elapsed?: boolean;
  /**
   * moves without the row changing in a way worth storing (a table's freeze age grows
   * with every transaction on the server): a sparse probe ignores it when deciding
   * whether a row moved, so a carried-forward value may be up to a keyframe old
   */
  drifting?: boolean;
  /**
   * a property of the whole run, the same on each row of it (the time a delta run
   * covered, the server's total in it): a rollup bucket holds its sum over the
   * server's runs in the bucket, on every row of the bucket
   */
  perRun?: boolean;
  unit?: ColumnUnit;
  description?: string;
}

export interface MetricSpec {
  /** snake_case; the table is metrics.<name> */
  name: string;
  scope: MetricScope;
  intervalSeconds: number;
  retentionDays: number;
  /** stored only when it changes; never rolled up */
  changeTracked: boolean;
  /** false: no rollup tables. A probe's `delta` columns are summed in its rollups, never averaged */
  rollups?: boolean;
  /**
   * Sparse storage for probes whose rows mostly repeat (idle tables, indexes, idle
   * sessions): a row is stored only when one of its values moved since the row was
   * last stored, with the unchanged row of the run before it (so rates across the gap
   * are exact), and every row at least once per keyframe. Keyframes start on the
   * keyframe grid, so each rollup bucket of that size holds every row; readers carry
   * the last stored row forward to each later run. At least one row is stored per
   * run, so the probe's newest sample says when it last ran.
   */
  sparse?: { keyframeSeconds: number };
  columns: readonly MetricColumn[];
}

/** Rollup levels, finest first. A level exists for a probe only if it is coarser than its interval. */
export const ROLLUP_LEVELS = ['5m', '1h'] as const;
export type RollupLevel = (typeof ROLLUP_LEVELS)[number];
export const ROLLUP_SECONDS: Record<RollupLevel, number> = { '5m': 300, '1h': 3600 };
export const ROLLUP_RETENTION_DAYS: Record<RollupLevel, number> = { '5m': 35, '1h': 400 };

export const SQL_TYPES: Record<ColumnType, string> = {
  int: 'integer',
  bigint: 'bigint',
  double: 'double precision',
  text: 'text',
  boolean: 'boolean',
  timestamptz: 'timestamptz',
  jsonb: 'jsonb',
};

const NAME = /^[a-z][a-z0-9_]{0,47}$/;
const NUMERIC: readonly ColumnType[] = ['int', 'bigint', 'double'];
export const IMPLICIT_COLUMNS = ['collected_at', 'server_id', 'database_name', 'keyframe'] as const;

export const isNumeric = (c: MetricColumn) => NUMERIC.includes(c.type);

/** Rejects names that could not be table/column identifiers or that collide. */
export function validateSpec(spec: MetricSpec): void {
  if (!NAME.test(spec.name)) throw new Error(`Bad metric table name: ${spec.name}`);
  const seen = new Set<string>(IMPLICIT_COLUMNS);
  for (const c of spec.columns) {
    if (!NAME.test(c.name)) throw new Error(`${spec.name}: bad column name ${c.name}`);
    if (seen.has(c.name)) throw new Error(`${spec.name}: duplicate column ${c.name}`);
    if (c.counter && !isNumeric(c)) throw new Error(`${spec.name}.${c.name}: counter not numeric`);
    if (c.elapsed && !isNumeric(c)) throw new Error(`${spec.name}.${c.name}: elapsed not numeric`);
    if ((c.delta || c.perRun) && (!isNumeric(c) || c.key || c.counter))
      throw new Error(`${spec.name}.${c.name}: a delta or per-run column is a numeric value`);
    seen.add(c.name);
  }
  if (spec.sparse) {
    const k = spec.sparse.keyframeSeconds;
    // every rollup bucket must start with a keyframe, or it would miss the idle rows
    const finest = rollupLevels(spec)[0];
    if (k <= spec.intervalSeconds || (finest && ROLLUP_SECONDS[finest] % k !== 0))
      throw new Error(
        `${spec.name}: keyframe ${k} s must exceed the interval and divide the rollup`,
      );
  }
}

/**
 * Implicit columns first, then the probe's, in order: the table's and COPY's column
 * list. A sparse probe's table ends with `keyframe`: whether the run stored every row.
 */
export function tableColumns(spec: Pick<MetricSpec, 'scope' | 'columns' | 'sparse'>): string[] {
  const implicit =
    spec.scope === 'database'
      ? ['collected_at', 'server_id', 'database_name']
      : ['collected_at', 'server_id'];
  return [...implicit, ...spec.columns.map((c) => c.name), ...(spec.sparse ? ['keyframe'] : [])];
}

/** Columns that identify one series: database (for database scope) and the key columns. */
export function seriesKeys(spec: Pick<MetricSpec, 'scope' | 'columns'>): string[] {
  const keys = spec.columns.filter((c) => c.key).map((c) => c.name);
  return spec.scope === 'database' ? ['database_name', ...keys] : keys;
}

/**
 * Numeric, non-key columns: what rollups aggregate (gauges averaged, counters as rates,
 * deltas summed, per-run values summed over the bucket's runs).
 */
export function rollupValueColumns(spec: Pick<MetricSpec, 'columns'>): MetricColumn[] {
  return spec.columns.filter((c) => isNumeric(c) && !c.key);
}

export function rollupLevels(
  spec: Pick<MetricSpec, 'intervalSeconds' | 'changeTracked' | 'columns' | 'rollups'>,
): RollupLevel[] {
  if (spec.changeTracked || spec.rollups === false || rollupValueColumns(spec).length === 0) {
    return [];
  }
  return ROLLUP_LEVELS.filter((l) => ROLLUP_SECONDS[l] > spec.intervalSeconds);
}

export const rollupTable = (name: string, level: RollupLevel) => `${name}_${level}`;

/** Columns whose change makes a sparse probe's row worth storing: not keys, not drifting. */
export function trackedColumns(spec: Pick<MetricSpec, 'columns'>): MetricColumn[] {
  return spec.columns.filter((c) => !c.key && !c.drifting);
}
