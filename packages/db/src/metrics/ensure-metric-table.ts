import type { Queryable } from '../client';
import { ident } from '../client';
import { ensurePartitions, registerMetricTable } from '../partitions';
import {
  ROLLUP_RETENTION_DAYS,
  SQL_TYPES,
  rollupLevels,
  rollupTable,
  rollupValueColumns,
  validateSpec,
  type MetricColumn,
  type MetricSpec,
} from '@pgvigil/schema/metric-spec';

function columnDdl(c: Pick<MetricColumn, 'name' | 'type'>): string {
  return `${ident(c.name)} ${SQL_TYPES[c.type]}`;
}

async function createPartitioned(
  db: Queryable,
  table: string,
  implicit: string[],
  columns: Pick<MetricColumn, 'name' | 'type'>[],
): Promise<void> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS metrics.${ident(table)} (
       ${[...implicit, ...columns.map(columnDdl)].join(',\n       ')}
     ) PARTITION BY RANGE (collected_at)`,
  );
  // A probe that gained columns in a newer pgvigil widens its table; columns are never dropped.
  for (const c of columns) {
    await db.query(`ALTER TABLE metrics.${ident(table)} ADD COLUMN IF NOT EXISTS ${columnDdl(c)}`);
  }
  await db.query(
    `CREATE INDEX IF NOT EXISTS ${ident(`${table}_server_time_idx`)}
       ON metrics.${ident(table)} (server_id, collected_at)`,
  );
}

/**
 * Creates (or widens) metrics.<probe> and its rollup tables, registers them with
 * the partition manager and the catalog, and makes sure partitions exist around `at`.
 * Idempotent: the collector calls it for every probe at start.
 */
export async function ensureMetricTable(db: Queryable, spec: MetricSpec, at: Date): Promise<void> {
  validateSpec(spec);
  const implicit = ['collected_at timestamptz NOT NULL', 'server_id bigint NOT NULL'];
  if (spec.scope === 'database') implicit.push('database_name text NOT NULL');
  await createPartitioned(db, spec.name, implicit, [...spec.columns]);
  if (spec.sparse) {
    // a row written without saying otherwise (before the probe became sparse, or by a
    // writer that stores whole runs) belongs to a run that stored every row: a keyframe
    await db.query(
      `ALTER TABLE metrics.${ident(spec.name)} ADD COLUMN IF NOT EXISTS keyframe boolean NOT NULL DEFAULT true`,
    );
  }
  await registerMetricTable(db, {
    table_name: spec.name,
    retention_days: spec.retentionDays,
    change_tracked: spec.changeTracked,
  });
  await ensurePartitions(db, spec.name, at);

  const keyColumns = spec.columns.filter((c) => c.key);
  const values = rollupValueColumns(spec).map((c) => ({ name: c.name, type: 'double' as const }));
  for (const level of rollupLevels(spec)) {
    const table = rollupTable(spec.name, level);
    await createPartitioned(
      db,
      table,
      [...implicit, 'samples integer NOT NULL'],
      [...keyColumns, ...values],
    );
    await registerMetricTable(db, {
      table_name: table,
      retention_days: Math.max(ROLLUP_RETENTION_DAYS[level], spec.retentionDays),
      change_tracked: false,
    });
    await ensurePartitions(db, table, at);
  }

  await db.query(
    `INSERT INTO metric_catalog (table_name, scope, interval_seconds, columns, rollups, keyframe_seconds)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (table_name) DO UPDATE SET scope = EXCLUDED.scope, rollups = EXCLUDED.rollups,
       interval_seconds = EXCLUDED.interval_seconds, columns = EXCLUDED.columns,
       keyframe_seconds = EXCLUDED.keyframe_seconds, updated_at = now()`,
    [
      spec.name,
      spec.scope,
      spec.intervalSeconds,
      JSON.stringify(
        spec.columns.map(
          ({ name, type, counter, delta, key, unit, elapsed, drifting, perRun }) => ({
            name,
            type,
            counter,
            delta,
            key,
            unit,
            elapsed,
            drifting,
            perRun,
          }),
        ),
      ),
      spec.rollups !== false,
      spec.sparse?.keyframeSeconds ?? null,
    ],
  );
}
