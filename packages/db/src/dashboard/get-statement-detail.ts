import { z } from 'zod';
import type { Queryable } from '../client';
import { parseInput } from './parse';

const input = z.object({
  serverId: z.coerce.number().int().positive(),
  queryid: z.string().regex(/^-?\d{1,20}$/),
});

/** min / max / mean / stddev in ms; null when not tracked (planning without track_planning) */
export type TimeDistribution = {
  min: number;
  max: number;
  mean: number;
  stddev: number;
} | null;

/**
 * One statement's pg_stat_statements figures since the last reset, from the newest run
 * of the statements_detail probe that saw it, summed over roles and databases (times
 * weighted by calls, the spread pooled). A figure the server's version or settings do
 * not provide is null.
 */
export type StatementDetail = {
  collectedAt: Date;
  calls: number;
  plans: number | null;
  exec: TimeDistribution;
  plan: TimeDistribution;
  walRecords: number;
  walFpi: number;
  walBytes: number;
  tempBlkReadTime: number | null;
  tempBlkWriteTime: number | null;
  localBlkReadTime: number | null;
  localBlkWriteTime: number | null;
  /** JIT: functions compiled and the time of each phase, null before 15 */
  jit: {
    functions: number;
    generationTime: number;
    inliningCount: number;
    inliningTime: number;
    optimizationCount: number;
    optimizationTime: number;
    emissionCount: number;
    emissionTime: number;
    /** 17+ */
    deformCount: number | null;
    deformTime: number | null;
  } | null;
};

const pooled = (k: 'exec' | 'plan', weight: string) => `
  min(min_${k}_time) AS min_${k}, max(max_${k}_time) AS max_${k},
  sum(mean_${k}_time * ${weight}) / nullif(sum(${weight}), 0) AS mean_${k},
  sqrt(greatest(sum(${weight} * (stddev_${k}_time ^ 2 + mean_${k}_time ^ 2)) / nullif(sum(${weight}), 0)
       - (sum(mean_${k}_time * ${weight}) / nullif(sum(${weight}), 0)) ^ 2, 0)) AS stddev_${k}`;

const SUMS = [
  'plans',
  'wal_records',
  'wal_fpi',
  'wal_bytes',
  'temp_blk_read_time',
  'temp_blk_write_time',
  'local_blk_read_time',
  'local_blk_write_time',
  'jit_functions',
  'jit_generation_time',
  'jit_inlining_count',
  'jit_inlining_time',
  'jit_optimization_count',
  'jit_optimization_time',
  'jit_emission_count',
  'jit_emission_time',
  'jit_deform_count',
  'jit_deform_time',
] as const;
type Row = Record<string, number | null> & { collected_at: Date; calls: number };

const dist = (r: Row, k: 'exec' | 'plan'): TimeDistribution =>
  r[`mean_${k}`] == null
    ? null
    : {
        min: r[`min_${k}`]!,
        max: r[`max_${k}`]!,
        mean: r[`mean_${k}`]!,
        stddev: r[`stddev_${k}`]!,
      };

/** The statement's detail, or null when the probe never saw it (or never ran). */
export async function getStatementDetail({
  db,
  input: raw,
}: {
  db: Queryable;
  input: z.input<typeof input>;
}): Promise<StatementDetail | null> {
  const i = parseInput(input, raw);
  const [exists] = await db.query<{ ok: boolean }>(
    `SELECT to_regclass('metrics.statements_detail') IS NOT NULL AS ok`,
  );
  if (!exists?.ok) return null;
  const [row] = await db.query<Row>(
    `SELECT collected_at, sum(calls)::float8 AS calls, ${pooled('exec', 'calls')},
            ${pooled('plan', 'plans')},
            ${SUMS.map((c) => `sum(${c})::float8 AS ${c}`).join(', ')}
       FROM metrics.statements_detail
      WHERE server_id = $1 AND queryid::text = $2
        AND collected_at = (SELECT max(collected_at) FROM metrics.statements_detail
                             WHERE server_id = $1 AND queryid::text = $2)
      GROUP BY collected_at`,
    [i.serverId, i.queryid],
  );
  if (!row) return null;
  const r = row;
  const v = (name: string) => r[name] ?? null;
  return {
    collectedAt: r.collected_at,
    calls: r.calls,
    plans: v('plans'),
    exec: dist(r, 'exec'),
    plan: dist(r, 'plan'),
    walRecords: r.wal_records ?? 0,
    walFpi: r.wal_fpi ?? 0,
    walBytes: r.wal_bytes ?? 0,
    tempBlkReadTime: v('temp_blk_read_time'),
    tempBlkWriteTime: v('temp_blk_write_time'),
    localBlkReadTime: v('local_blk_read_time'),
    localBlkWriteTime: v('local_blk_write_time'),
    jit:
      r.jit_functions == null
        ? null
        : {
            functions: r.jit_functions,
            generationTime: r.jit_generation_time ?? 0,
            inliningCount: r.jit_inlining_count ?? 0,
            inliningTime: r.jit_inlining_time ?? 0,
            optimizationCount: r.jit_optimization_count ?? 0,
            optimizationTime: r.jit_optimization_time ?? 0,
            emissionCount: r.jit_emission_count ?? 0,
            emissionTime: r.jit_emission_time ?? 0,
            deformCount: v('jit_deform_count'),
            deformTime: v('jit_deform_time'),
          },
  };
}
