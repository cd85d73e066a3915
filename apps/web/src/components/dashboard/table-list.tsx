import { TABLE_SORTS, type TableSort } from '@pgvigil/schema';
import type { DatabaseTable } from '@/contract';
import Link from 'next/link';
import { formatBytes, formatNumber } from './format';
import { formatTime } from './links';

const LABEL: Record<TableSort, string> = {
  size: 'Total size',
  scans: 'Scans/s',
  dead: 'Dead tuples',
  bloat: 'Est. bloat',
  vacuum: 'Last vacuum',
};

const pct = (v: number | null) => (v == null ? '' : ` (${v.toFixed(1)}%)`);

/** The tables of a database; sorting is a link, so a sorted view can be shared. */
export function TableList({
  tables,
  sort,
  sortHref,
  rowHref,
}: {
  tables: DatabaseTable[];
  sort: TableSort;
  sortHref: (sort: TableSort) => string;
  rowHref: (t: DatabaseTable) => string | null;
}) {
  const head = (s: TableSort) => (
    <th
      key={s}
      className={s === 'vacuum' ? undefined : 'num'}
      aria-sort={s === sort ? 'descending' : 'none'}
    >
      <Link href={sortHref(s)}>
        {LABEL[s]}
        {s === sort ? ' ▼' : ''}
      </Link>
    </th>
  );
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Tables">
        <thead>
          <tr>
            <th>Table</th>
            {head('size')}
            <th className="num">Live tuples</th>
            {head('dead')}
            {head('scans')}
            {head('bloat')}
            {head('vacuum')}
            <th>Flags</th>
          </tr>
        </thead>
        <tbody>
          {tables.map((t) => {
            const href = rowHref(t);
            const name = `${t.schemaname}.${t.relname}`;
            const scans =
              t.seqScansPerSecond == null && t.idxScansPerSecond == null
                ? null
                : (t.seqScansPerSecond ?? 0) + (t.idxScansPerSecond ?? 0);
            return (
              <tr key={name}>
                <td>{href ? <Link href={href}>{name}</Link> : name}</td>
                <td className="num">{formatBytes(t.totalBytes)}</td>
                <td className="num">{formatNumber(t.liveTuples)}</td>
                <td className="num">
                  {formatNumber(t.deadTuples)}
                  <span className="muted">{pct(t.deadPct)}</span>
                </td>
                <td
                  className="num"
                  title={`seq ${formatNumber(t.seqScansPerSecond)}/s, index ${formatNumber(t.idxScansPerSecond)}/s`}
                >
                  {formatNumber(scans)}
                </td>
                <td className="num">
                  {formatBytes(t.bloatBytes)}
                  <span className="muted">{pct(t.bloatPct)}</span>
                </td>
                <td className="muted">{formatTime(t.lastVacuum)}</td>
                <td>
                  {t.hasPrimaryKey ? null : (
                    <span className="badge badge-warning">no primary key</span>
                  )}
                  {t.partitions != null && t.partitions > 1 ? (
                    <span className="badge badge-info">{t.partitions} partitions</span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Sorts from a URL value; anything else is the default. */
export function tableSortFrom(v: unknown): TableSort {
  return (TABLE_SORTS as readonly unknown[]).includes(v) ? (v as TableSort) : 'size';
}
