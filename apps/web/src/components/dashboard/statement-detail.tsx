import type { StatementDetail, TimeDistribution } from '@pgvigil/db/dashboard';
import { formatValue } from '@pgvigil/schema';
import { Facts } from './facts';
import { formatTime } from './links';

const ms = (v: number | null) => formatValue(v, 'ms');
const count = (v: number | null) => formatValue(v, 'count');
const spread = (d: TimeDistribution, missing: string) =>
  d ? `${ms(d.min)} / ${ms(d.max)} / ${ms(d.mean)} / ${ms(d.stddev)}` : missing;

/**
 * pg_stat_statements since its last reset (the statements_detail probe): the spread of
 * execution and planning time, WAL, temp and local I/O times, JIT. What the version or
 * the settings do not provide says why rather than showing 0.
 */
export function StatementDetailFacts({ detail }: { detail: StatementDetail }) {
  const io = (v: number | null) =>
    v === null ? 'not tracked (track_io_timing, or before 15)' : ms(v);
  const j = detail.jit;
  return (
    <>
      <p className="muted">
        Since pg_stat_statements was last reset, as of {formatTime(detail.collectedAt)}; all roles
        and databases together.
      </p>
      <Facts
        facts={[
          ['Calls', count(detail.calls)],
          ['Execution min / max / mean / stddev', spread(detail.exec, '—')],
          [
            'Planning min / max / mean / stddev',
            spread(detail.plan, 'not tracked (pg_stat_statements.track_planning is off)'),
          ],
          ['WAL records', count(detail.walRecords)],
          ['WAL full-page images', count(detail.walFpi)],
          ['WAL bytes', formatValue(detail.walBytes, 'bytes')],
          [
            'Temp blocks read / write time',
            `${io(detail.tempBlkReadTime)} / ${io(detail.tempBlkWriteTime)}`,
          ],
          [
            'Local blocks read / write time',
            detail.localBlkReadTime === null && detail.localBlkWriteTime === null
              ? 'not tracked (track_io_timing, or before 17)'
              : `${ms(detail.localBlkReadTime)} / ${ms(detail.localBlkWriteTime)}`,
          ],
          [
            'JIT functions / generation time',
            j ? `${count(j.functions)} / ${ms(j.generationTime)}` : 'not reported before 15',
          ],
          [
            'JIT inlining / optimization / emission',
            j
              ? `${count(j.inliningCount)} in ${ms(j.inliningTime)} / ${count(j.optimizationCount)} in ${ms(j.optimizationTime)} / ${count(j.emissionCount)} in ${ms(j.emissionTime)}`
              : 'not reported before 15',
          ],
          [
            'JIT deform',
            j?.deformCount != null
              ? `${count(j.deformCount)} in ${ms(j.deformTime)}`
              : 'not reported before 17',
          ],
        ]}
      />
    </>
  );
}
