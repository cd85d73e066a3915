import type { DatabaseIndex } from '@/contract';
import Link from 'next/link';
import { formatBytes, formatNumber } from './format';

const ISSUE_CLASS = {
  invalid: 'badge-critical',
  duplicate: 'badge-warning',
  unused: 'badge-warning',
};

export function IndexFlags({ index }: { index: DatabaseIndex }) {
  return (
    <>
      {index.isPrimary ? <span className="badge badge-info">primary</span> : null}
      {index.isUnique && !index.isPrimary ? <span className="badge badge-info">unique</span> : null}
      {index.issues.map((x) => (
        <span
          key={x.issue}
          className={`badge ${ISSUE_CLASS[x.issue]}`}
          title={x.detail ?? undefined}
        >
          {x.issue}
        </span>
      ))}
    </>
  );
}

/** Indexes with their size, use and flags (unused / duplicate / invalid from the index health probe). */
export function IndexList({
  indexes,
  rowHref,
  showTable = true,
}: {
  indexes: DatabaseIndex[];
  rowHref: (i: DatabaseIndex) => string;
  showTable?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Indexes">
        <thead>
          <tr>
            <th>Index</th>
            {showTable ? <th>Table</th> : null}
            <th className="num">Size</th>
            <th className="num">Scans/s</th>
            <th className="num">Scans since reset</th>
            <th className="num">Est. bloat</th>
            <th>Flags</th>
          </tr>
        </thead>
        <tbody>
          {indexes.map((i) => (
            <tr key={`${i.schemaname}.${i.indexrelname}`}>
              <td>
                <Link href={rowHref(i)}>
                  {i.schemaname}.{i.indexrelname}
                </Link>
              </td>
              {showTable ? <td>{i.relname ?? '—'}</td> : null}
              <td className="num">{formatBytes(i.sizeBytes)}</td>
              <td className="num">{formatNumber(i.scansPerSecond)}</td>
              <td className="num">{formatNumber(i.scans)}</td>
              <td className="num">{formatBytes(i.bloatBytes)}</td>
              <td>
                <IndexFlags index={i} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
