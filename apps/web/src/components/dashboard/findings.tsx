import type { DatabaseFindings } from '@/contract';

type SequenceUsage = DatabaseFindings['sequences'][number];
type TableWithoutPk = DatabaseFindings['withoutPk'][number];
import { EmptyState } from '@/components/shell/states';
import { formatNumber } from './format';

// Above this share of its range a sequence deserves a plan (bigger type, cycle, reset).
const NEAR_EXHAUSTION_PCT = 75;

export function SequenceList({ sequences }: { sequences: SequenceUsage[] }) {
  if (sequences.length === 0) {
    return (
      <EmptyState title="No sequence sampled yet">
        The collector reads <code>pg_sequences</code> every hour.
      </EmptyState>
    );
  }
  return (
    <table className="data" aria-label="Sequences">
      <thead>
        <tr>
          <th>Sequence</th>
          <th>Feeds</th>
          <th className="num">Last value</th>
          <th className="num">Used</th>
        </tr>
      </thead>
      <tbody>
        {sequences.map((s) => (
          <tr key={`${s.schemaname}.${s.sequencename}`}>
            <td>
              {s.schemaname}.{s.sequencename}
            </td>
            <td className="muted">{s.columnType ?? s.dataType ?? '—'}</td>
            <td className="num">{formatNumber(s.lastValue)}</td>
            <td className="num">
              {s.usedPct == null ? '—' : `${s.usedPct < 0.01 ? '<0.01' : s.usedPct.toFixed(2)}%`}{' '}
              {s.usedPct != null && s.usedPct >= NEAR_EXHAUSTION_PCT ? (
                <span className="badge badge-critical">near exhaustion</span>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NoPkList({ tables }: { tables: TableWithoutPk[] }) {
  if (tables.length === 0) {
    return (
      <EmptyState title="Every table has a primary key">
        Or the hourly check has not run yet in this database.
      </EmptyState>
    );
  }
  return (
    <table className="data" aria-label="Tables without a primary key">
      <thead>
        <tr>
          <th>Table</th>
          <th>Replica identity</th>
          <th className="num">Est. rows</th>
        </tr>
      </thead>
      <tbody>
        {tables.map((t) => (
          <tr key={`${t.schemaname}.${t.relname}`}>
            <td>
              {t.schemaname}.{t.relname}
            </td>
            <td title="logical replication cannot replicate UPDATE/DELETE with default or nothing">
              {t.replicaIdentity ?? '—'}
            </td>
            <td className="num">{formatNumber(t.estimatedRows)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
