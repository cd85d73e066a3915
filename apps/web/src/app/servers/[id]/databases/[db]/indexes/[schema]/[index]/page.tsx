import type { ReactNode } from 'react';
import { CHARTS } from '@pgvigil/db/dashboard';
import Link from 'next/link';
import { Facts } from '@/components/dashboard/facts';
import { ObjectAlertsAndCharts } from '@/components/dashboard/object-sections';
import { formatBytes, formatNumber } from '@/components/dashboard/format';
import { IndexFlags } from '@/components/dashboard/index-list';
import {
  databaseHref,
  formatTime,
  serverTrail,
  tableHref,
  withQuery,
} from '@/components/dashboard/links';
import { loadIndex } from '@/components/dashboard/load';
import { loadObjectPage } from '@/components/dashboard/object-page';
import type { SearchParams } from '@/components/dashboard/window';
import { PageHeader } from '@/components/shell/page-header';

const INDEX_CHARTS = [CHARTS.index_scans, CHARTS.index_size, CHARTS.index_io].map((c) => ({
  id: c.id,
  title: c.title,
}));

export default async function IndexPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; db: string; schema: string; index: string }>;
  searchParams: SearchParams;
}) {
  const p = await params;
  const { now, server, database, schema, name, detail, query, window, compare } =
    await loadObjectPage({ ...p, object: p.index }, searchParams, loadIndex);
  const i = detail.index;
  const table = i.relname
    ? withQuery(tableHref(server.id, database, schema, i.relname), query)
    : null;
  const yesNo = (v: boolean | null) => (v == null ? '—' : v ? 'yes' : 'no');
  const facts: [string, ReactNode][] = [
    ['Table', table ? <Link href={table}>{`${schema}.${i.relname}`}</Link> : '—'],
    ['Size', formatBytes(i.sizeBytes)],
    ['Scans/s', formatNumber(i.scansPerSecond)],
    ['Scans since stats reset', formatNumber(i.scans)],
    ['Last scan', i.lastScan ? formatTime(i.lastScan) : 'unknown (PostgreSQL 16+ records it)'],
    [
      'Estimated bloat',
      `${formatBytes(i.bloatBytes)}${i.bloatPct == null ? '' : ` (${i.bloatPct.toFixed(1)}%)`}`,
    ],
    ['Valid', yesNo(i.isValid)],
    ['Unique', yesNo(i.isUnique)],
    ['Primary key', yesNo(i.isPrimary)],
  ];
  const crumbs = [
    ...serverTrail(server),
    { label: server.name, href: `/servers/${server.id}` },
    { label: database, href: databaseHref(server.id, database) },
    ...(i.relname
      ? [
          {
            label: `${schema}.${i.relname}`,
            href: tableHref(server.id, database, schema, i.relname),
          },
        ]
      : []),
    { label: name },
  ];
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={`${schema}.${name}`}
        subtitle={`Index in ${database} on ${server.name}`}
        badge={<IndexFlags index={i} />}
        query={query}
      />
      <section className="panel" aria-labelledby="index-facts">
        <h2 id="index-facts">As of the newest sample</h2>
        <Facts facts={facts} />
        {i.issues.length > 0 ? (
          <ul className="summary-list">
            {i.issues.map((x) => (
              <li key={x.issue}>
                <strong>{x.issue}</strong>
                {x.detail ? `: ${x.detail}` : ''}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <ObjectAlertsAndCharts
        kind="index"
        alerts={detail.alerts}
        now={now}
        serverId={server.id}
        charts={INDEX_CHARTS}
        window={window}
        compare={compare}
        database={database}
        object={{ schema, name }}
      />
    </>
  );
}
