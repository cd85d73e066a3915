import { CHARTS, getServerOverview, listActiveAlerts } from '@pgvigil/db/dashboard';
import { ChartGrid } from '@/components/charts/chart-grid';
import { AlertList } from '@/components/dashboard/alert-list';
import { loadOrNotFound } from '@/components/dashboard/load';
import { pageWindow, type SearchParams } from '@/components/dashboard/window';
import { PageHeader } from '@/components/shell/page-header';
import { EmptyState } from '@/components/shell/states';
import { db } from '@/server/db';

const DATABASE_CHARTS = [
  CHARTS.tps,
  CHARTS.commits_rollbacks,
  CHARTS.cache_hit,
  CHARTS.tuples,
  CHARTS.temp,
].map((c) => ({ id: c.id, title: c.title }));

export default async function DatabasePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; db: string }>;
  searchParams: SearchParams;
}) {
  const now = new Date();
  const { id, db: rawName } = await params;
  const name = decodeURIComponent(rawName);
  const server = await loadOrNotFound(() =>
    getServerOverview({ db: db(), input: { id }, at: now }),
  );
  const [{ query, window, compare }, alerts] = await Promise.all([
    pageWindow(searchParams, now),
    listActiveAlerts({ db: db(), input: { serverId: server.id, databaseName: name } }),
  ]);
  const crumbs = [
    { label: 'Fleet', href: '/' },
    ...(server.clusterId
      ? [{ label: server.clusterName ?? 'cluster', href: `/clusters/${server.clusterId}` }]
      : []),
    { label: server.name, href: `/servers/${server.id}` },
    { label: name },
  ];
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={name}
        subtitle={`Database on ${server.name}`}
        query={query}
      />
      <section className="panel" aria-labelledby="db-alerts">
        <h2 id="db-alerts">Active alerts</h2>
        <AlertList alerts={alerts} now={now} emptyText="No alert is firing for this database." />
      </section>
      <section className="section" aria-label="Charts">
        <ChartGrid
          serverId={server.id}
          charts={DATABASE_CHARTS}
          window={window}
          compare={compare}
          database={name}
        />
      </section>
      <section className="section panel" aria-labelledby="tables-title">
        <h2 id="tables-title">Tables and indexes</h2>
        <EmptyState title="No table statistics collected for this database yet">
          Per-table and per-index statistics (size, scans, dead tuples, vacuum) appear here once the
          collector runs its table probes in <code>{name}</code>.
        </EmptyState>
      </section>
    </>
  );
}
