import {
  CHARTS,
  getServerOverview,
  listActiveAlerts,
  listDatabaseTables,
} from '@pgvigil/db/dashboard';
import { formatBytes, formatNumber } from '@/components/dashboard/format';
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
  const [{ query, window, compare }, alerts, tables] = await Promise.all([
    pageWindow(searchParams, now),
    listActiveAlerts({ db: db(), input: { serverId: server.id, databaseName: name } }),
    listDatabaseTables({ db: db(), input: { serverId: server.id, database: name }, at: now }),
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
        <h2 id="tables-title">Tables</h2>
        {tables.length === 0 ? (
          <EmptyState title="No table statistics collected for this database yet">
            Per-table statistics (size, scans, dead tuples, vacuum) appear here once the collector
            has run its table probe in <code>{name}</code> (every 10 minutes).
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="data" aria-label="Tables">
              <thead>
                <tr>
                  <th>Table</th>
                  <th className="num">Total size</th>
                  <th className="num">Live tuples</th>
                  <th className="num">Dead tuples</th>
                  <th className="num">Dead %</th>
                  <th className="num">Seq scans/s</th>
                  <th className="num">Index scans/s</th>
                  <th>Last autovacuum</th>
                </tr>
              </thead>
              <tbody>
                {tables.map((t) => (
                  <tr key={`${t.schemaname}.${t.relname}`}>
                    <td>
                      {t.schemaname}.{t.relname}
                    </td>
                    <td className="num">{formatBytes(t.totalBytes)}</td>
                    <td className="num">{formatNumber(t.liveTuples)}</td>
                    <td className="num">{formatNumber(t.deadTuples)}</td>
                    <td className="num">{t.deadPct == null ? '—' : `${t.deadPct.toFixed(1)}%`}</td>
                    <td className="num">{formatNumber(t.seqScansPerSecond)}</td>
                    <td className="num">{formatNumber(t.idxScansPerSecond)}</td>
                    <td className="muted">
                      {t.lastAutovacuum
                        ? t.lastAutovacuum.toISOString().slice(0, 16).replace('T', ' ')
                        : 'never'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
