import { OTHERS_QUERYID } from '@pgvigil/db/dashboard';
import { TOP_QUERY_SORTS } from '@pgvigil/schema';
import type { TopQuery } from '@/contract';

type TopQueries = { available: boolean; reason?: string; queries: TopQuery[] };
import Link from 'next/link';
import { EmptyState } from '@/components/shell/states';
import { formatChartValue } from '@/components/charts/series-display';
import { formatNumber } from './format';

const LABEL: Record<(typeof TOP_QUERY_SORTS)[number], string> = {
  total_time: 'Total time',
  mean_time: 'Mean',
  calls: 'Calls',
  rows: 'Rows',
  io: 'Blocks read',
  temp: 'Temp written',
};

/** A statement's text in a table cell, linking to its query page (also the CPU table's). */
export function StatementCell({
  queryid,
  query,
  href,
}: {
  queryid: string;
  query: string | null;
  href: string;
}) {
  return (
    <td style={{ maxWidth: 520, overflow: 'hidden', textOverflow: 'ellipsis' }} title={query ?? ''}>
      <Link href={href}>
        <code>
          {query ??
            (queryid === OTHERS_QUERYID
              ? 'all other statements (beyond the 50 stored per minute)'
              : `queryid ${queryid} (text not fetched yet)`)}
        </code>
      </Link>
    </td>
  );
}

/** Server-rendered table; sorting is a link so the view is shareable like the time range. */
export function TopQueriesTable({
  data,
  sort,
  hrefFor,
  queryHref,
}: {
  data: TopQueries;
  sort: (typeof TOP_QUERY_SORTS)[number];
  hrefFor: (sort: string) => string;
  /** the query page of one statement, keeping the window */
  queryHref: (queryid: string) => string;
}) {
  if (!data.available) return <EmptyState title="No top queries">{data.reason}</EmptyState>;
  const ms = (v: number | null) => formatChartValue('ms', v);
  return (
    <div className="table-wrap">
      <table className="data">
        <thead>
          <tr>
            <th>Query</th>
            {TOP_QUERY_SORTS.map((s) => (
              <th key={s} className="num" aria-sort={s === sort ? 'descending' : 'none'}>
                <Link href={hrefFor(s)}>
                  {LABEL[s]}
                  {s === sort ? ' ▼' : ''}
                </Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.queries.map((q) => (
            <tr key={`${q.queryid}-${q.dbid}`}>
              <StatementCell queryid={q.queryid} query={q.query} href={queryHref(q.queryid)} />
              <td className="num">{ms(q.totalTimeMs)}</td>
              <td className="num">{ms(q.meanTimeMs)}</td>
              <td className="num">{formatNumber(q.calls)}</td>
              <td className="num">{formatNumber(q.rows)}</td>
              <td className="num">{formatNumber(q.sharedBlksRead)}</td>
              <td className="num">{formatNumber(q.tempBlksWritten)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
