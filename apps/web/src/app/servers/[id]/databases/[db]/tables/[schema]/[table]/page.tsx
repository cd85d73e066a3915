import { CHARTS } from '@pgvigil/db/dashboard';
import { Facts } from '@/components/dashboard/facts';
import { ObjectAlertsAndCharts } from '@/components/dashboard/object-sections';
import { formatBytes, formatNumber } from '@/components/dashboard/format';
import { IndexList } from '@/components/dashboard/index-list';
import {
  databaseHref,
  formatTime,
  indexHref,
  serverTrail,
  withQuery,
} from '@/components/dashboard/links';
import { loadTable } from '@/components/dashboard/load';
import { loadObjectPage } from '@/components/dashboard/object-page';
import { SchemaChanges } from '@/components/dashboard/schema-changes';
import type { SearchParams } from '@/components/dashboard/window';
import { PageHeader } from '@/components/shell/page-header';
import { EmptyState } from '@/components/shell/states';

const TABLE_CHARTS = [
  CHARTS.table_size,
  CHARTS.table_scans,
  CHARTS.table_rows,
  CHARTS.table_dead,
  CHARTS.table_maintenance,
  CHARTS.table_io,
].map((c) => ({ id: c.id, title: c.title }));

export default async function TablePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; db: string; schema: string; table: string }>;
  searchParams: SearchParams;
}) {
  const p = await params;
  const { now, server, database, schema, name, detail, query, window, compare } =
    await loadObjectPage({ ...p, object: p.table }, searchParams, loadTable);
  const t = detail.table;
  const facts: [string, string][] = [
    ['Total size', formatBytes(t.totalBytes)],
    ['Live tuples', formatNumber(t.liveTuples)],
    [
      'Dead tuples',
      `${formatNumber(t.deadTuples)}${t.deadPct == null ? '' : ` (${t.deadPct.toFixed(1)}%)`}`,
    ],
    [
      'Estimated bloat',
      `${formatBytes(t.bloatBytes)}${t.bloatPct == null ? '' : ` (${t.bloatPct.toFixed(1)}%)`}`,
    ],
    ['Seq scans/s', formatNumber(t.seqScansPerSecond)],
    ['Index scans/s', formatNumber(t.idxScansPerSecond)],
    ['Last vacuum', formatTime(t.lastVacuum)],
    ['Last analyze', formatTime(t.lastAnalyze)],
    ['Freeze age (xids)', formatNumber(t.freezeAge)],
    ['Primary key', t.hasPrimaryKey ? 'yes' : 'no'],
    ...(t.partitions != null && t.partitions > 1
      ? [['Partitions', String(t.partitions)] as [string, string]]
      : []),
  ];
  const crumbs = [
    ...serverTrail(server),
    { label: server.name, href: `/servers/${server.id}` },
    { label: database, href: databaseHref(server.id, database) },
    { label: `${schema}.${name}` },
  ];
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={`${schema}.${name}`}
        subtitle={`Table in ${database} on ${server.name}`}
        query={query}
      />
      <section className="panel" aria-labelledby="table-facts">
        <h2 id="table-facts">As of the newest sample</h2>
        <Facts facts={facts} />
      </section>
      <ObjectAlertsAndCharts
        kind="table"
        alerts={detail.alerts}
        now={now}
        serverId={server.id}
        charts={TABLE_CHARTS}
        window={window}
        compare={compare}
        database={database}
        object={{ schema, name }}
      />
      <section className="section panel" aria-labelledby="table-indexes">
        <h2 id="table-indexes">Indexes</h2>
        {detail.indexes.length === 0 ? (
          <EmptyState title="No index sampled for this table">
            Either it has none, or the collector has not sampled indexes yet (every 15 minutes).
          </EmptyState>
        ) : (
          <IndexList
            indexes={detail.indexes}
            showTable={false}
            rowHref={(i) =>
              withQuery(indexHref(server.id, database, i.schemaname, i.indexrelname), query)
            }
          />
        )}
      </section>
      <section className="section panel" aria-labelledby="table-ddl">
        <h2 id="table-ddl">Definition changes</h2>
        <SchemaChanges changes={detail.changes} what="this table" />
      </section>
    </>
  );
}
