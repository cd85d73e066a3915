import { formatValue } from '@pgvigil/schema';
import {
  CHARTS,
  TOP_QUERY_SORTS,
  getConfigDriftView,
  getLiveActivity,
  getReplicationDetail,
  getServerWaits,
  listChangedSettings,
  listCpuStatements,
  listLintFindings,
  listServerDatabases,
  listSettingChanges,
  listTopQueries,
} from '@pgvigil/db/dashboard';
import Link from 'next/link';
import { ChartGrid } from '@/components/charts/chart-grid';
import { AlertList } from '@/components/dashboard/alert-list';
import { formatNumber } from '@/components/dashboard/format';
import { StatusBadge } from '@/components/dashboard/health-badge';
import { BlockingTree, LiveSessions } from '@/components/dashboard/live-activity';
import { ConfigDrift } from '@/components/dashboard/config-drift';
import { LintFindings } from '@/components/dashboard/lint-findings';
import { ReplicationDetail } from '@/components/dashboard/replication-detail';
import { SettingsChanges } from '@/components/dashboard/settings-changes';
import { TopQueriesTable } from '@/components/dashboard/top-queries';
import { CpuStatementsTable, WaitTable } from '@/components/dashboard/resources';
import { pageWindow, type SearchParams } from '@/components/dashboard/window';
import { IntentLink } from '@/components/shell/intent-link';
import { PageHeader } from '@/components/shell/page-header';
import { EmptyState } from '@/components/shell/states';
import { AskPanel } from '@/components/ask/ask-panel';
import { currentUser, hasRole } from '@/server/auth';
import { db } from '@/server/db';
import { llmConfig } from '@/server/env';
import { loadServer, prefetchCharts } from '@/components/dashboard/load';
import { serverTrail } from '@/components/dashboard/links';
import { POOLER_CHARTS, PoolerOverview } from '@/components/dashboard/pooler-overview';
import { getServer, listPoolerLinks, listServers } from '@pgvigil/db/registry';

const SERVER_CHARTS = [
  CHARTS.tps,
  CHARTS.commits_rollbacks,
  CHARTS.sessions,
  CHARTS.wait_events,
  CHARTS.cache_hit,
  CHARTS.tuples,
  CHARTS.temp,
  CHARTS.wal,
  CHARTS.checkpoints,
  CHARTS.io,
  CHARTS.replication_lag,
  CHARTS.buffercache_databases,
  CHARTS.buffercache_dirty,
  CHARTS.buffercache_usage,
].map((c) => ({ id: c.id, title: c.title }));

export default async function ServerPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: SearchParams;
}) {
  const now = new Date();
  const { id } = await params;
  const server = await loadServer(id);
  const sp = await searchParams;
  const qsortRaw = typeof sp.qsort === 'string' ? sp.qsort : 'total_time';
  const qsort = (TOP_QUERY_SORTS as readonly string[]).includes(qsortRaw)
    ? (qsortRaw as (typeof TOP_QUERY_SORTS)[number])
    : 'total_time';
  const { w, query, window, compare } = await pageWindow(searchParams, now);
  const registered = await getServer(db(), server.id);
  if (registered.kind === 'pgbouncer') {
    const all = await listServers(db());
    return (
      <PoolerOverview
        server={server}
        fronts={all.filter((s) => registered.fronts.includes(s.id))}
        crumbs={[...serverTrail(server), { label: server.name }]}
        query={query}
        now={now}
        window={window}
        compare={compare}
        charts={await prefetchCharts(server.id, POOLER_CHARTS, window)}
      />
    );
  }
  const poolers = await listPoolerLinks(db(), [server.id]);
  const [
    charts,
    databases,
    top,
    live,
    settingChanges,
    nonDefault,
    drift,
    user,
    lint,
    replication,
    waits,
    cpu,
  ] = await Promise.all([
    prefetchCharts(server.id, SERVER_CHARTS, window),
    listServerDatabases({ db: db(), input: { serverId: server.id }, at: now }),
    listTopQueries({
      db: db(),
      input: { serverId: server.id, from: w.from, to: w.to, sort: qsort },
    }),
    getLiveActivity({ db: db(), input: { serverId: server.id, limit: 50 }, at: now }),
    listSettingChanges({ db: db(), input: { serverId: server.id, limit: 30 } }),
    listChangedSettings({ db: db(), input: { serverId: server.id } }),
    getConfigDriftView({ db: db(), input: { serverId: server.id } }),
    currentUser(),
    listLintFindings({ db: db(), input: { serverId: server.id }, at: now }),
    getReplicationDetail({ db: db(), input: { serverId: server.id }, at: now }),
    getServerWaits({ db: db(), input: { serverId: server.id, from: w.from, to: w.to } }),
    listCpuStatements({ db: db(), input: { serverId: server.id, from: w.from, to: w.to } }),
  ]);
  const sortHref = (s: string) => {
    const q = new URLSearchParams(query);
    q.set('qsort', s);
    return `/servers/${server.id}?${q}#top-queries`;
  };
  const suffix = query ? `?${query}` : '';
  const crumbs = [...serverTrail(server), { label: server.name }];
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={server.name}
        badge={<StatusBadge state={server.health} />}
        subtitle={`${server.host}:${server.port}${server.via ? ` via ${server.via}` : ''} · ${server.environment}${server.description ? ` · ${server.description}` : ''}`}
        query={query}
      />
      <section className="panel" aria-labelledby="summary-title">
        <h2 id="summary-title">Health summary</h2>
        <ul className="summary-list">
          {server.summary.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <p>
          <IntentLink href={`/servers/${server.id}/logs${suffix}`}>Server log</IntentLink>: errors,
          failed logins, deadlocks and their messages (log insights)
        </p>
        {poolers.length > 0 ? (
          <p>
            Poolers in front:{' '}
            {poolers.map((p, i) => (
              <span key={p.poolerId}>
                {i > 0 ? ', ' : ''}
                <Link href={`/servers/${p.poolerId}`}>{p.poolerName}</Link>
              </span>
            ))}
          </p>
        ) : null}
        {server.alerts.length > 0 ? (
          <div className="section">
            <AlertList alerts={server.alerts} now={now} />
          </div>
        ) : null}
      </section>
      {llmConfig() ? <AskPanel serverId={server.id} /> : null}
      <section className="section" aria-label="Charts">
        <ChartGrid
          serverId={server.id}
          charts={SERVER_CHARTS}
          window={window}
          compare={compare}
          expected
          initial={charts}
        />
      </section>
      <section className="section panel" aria-labelledby="replication-title" id="replication">
        <h2 id="replication-title">Replication</h2>
        <ReplicationDetail detail={replication} />
      </section>
      <section className="section panel" aria-labelledby="blocking-title">
        <h2 id="blocking-title">Blocking</h2>
        <BlockingTree live={live} now={now} />
      </section>
      <section className="section panel" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Live sessions</h2>
        <LiveSessions live={live} now={now} />
      </section>
      <section className="section panel" aria-labelledby="top-queries-title" id="top-queries">
        <h2 id="top-queries-title">Top queries in this window</h2>
        <TopQueriesTable
          data={top}
          sort={qsort}
          hrefFor={sortHref}
          queryHref={(qid) => `/servers/${server.id}/queries/${encodeURIComponent(qid)}${suffix}`}
        />
      </section>
      {cpu.length > 0 ? (
        <section className="section panel" aria-labelledby="cpu-title" id="cpu-statements">
          <h2 id="cpu-title">Statements by CPU in this window (pg_stat_kcache)</h2>
          <CpuStatementsTable
            statements={cpu}
            queryHref={(qid) => `/servers/${server.id}/queries/${encodeURIComponent(qid)}${suffix}`}
          />
        </section>
      ) : null}
      {waits.length > 0 ? (
        <section className="section panel" aria-labelledby="waits-title" id="waits">
          <h2 id="waits-title">Wait profile in this window (pg_wait_sampling)</h2>
          <WaitTable waits={waits} label="Wait profile of the server" />
        </section>
      ) : null}
      <section className="section panel" aria-labelledby="databases-title">
        <h2 id="databases-title">Databases</h2>
        {databases.length === 0 ? (
          <EmptyState title="No database statistics yet">
            The collector lists databases once it has read <code>pg_stat_database</code> from this
            server.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th>Database</th>
                  <th className="num">Commits/s</th>
                  <th className="num">Rollbacks/s</th>
                  <th className="num">Cache hit</th>
                </tr>
              </thead>
              <tbody>
                {databases.map((d) => (
                  <tr key={d.name}>
                    <td>
                      <Link
                        href={`/servers/${server.id}/databases/${encodeURIComponent(d.name)}${suffix}`}
                      >
                        {d.name}
                      </Link>
                    </td>
                    <td className="num">{formatNumber(d.commitsPerSecond)}</td>
                    <td className="num">{formatNumber(d.rollbacksPerSecond)}</td>
                    <td className="num">{formatValue(d.cacheHitPercent, 'percent')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="section panel" aria-labelledby="settings-title">
        <h2 id="settings-title">Settings changes</h2>
        <SettingsChanges changes={settingChanges} current={nonDefault} />
      </section>
      <section className="section panel" aria-labelledby="lint-title">
        <h2 id="lint-title">Configuration and security findings</h2>
        <LintFindings findings={lint} showDatabase />
      </section>
      <section className="section panel" aria-labelledby="drift-title">
        <h2 id="drift-title">Configuration drift</h2>
        <ConfigDrift
          serverId={server.id}
          view={drift}
          canMark={user !== null && hasRole(user.role, 'admin')}
        />
      </section>
    </>
  );
}
