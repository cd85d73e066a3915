import Link from 'next/link';
import { getClusterTopology } from '@pgvigil/db/dashboard';
import { listPoolerLinks } from '@pgvigil/db/registry';
import { ChartGrid } from '@/components/charts/chart-grid';
import { formatBytes, formatNumber } from '@/components/dashboard/format';
import { PatroniPanel } from '@/components/dashboard/patroni-panel';
import { TopologyGraph } from '@/components/dashboard/topology-graph';
import { loadPatroni } from '@/server/patroni';
import { db } from '@/server/db';
import { AlertList } from '@/components/dashboard/alert-list';
import { StatusBadge } from '@/components/dashboard/health-badge';
import { loadCluster } from '@/components/dashboard/load';
import { pageWindow, type SearchParams } from '@/components/dashboard/window';
import { PageHeader } from '@/components/shell/page-header';
import { EmptyState } from '@/components/shell/states';

export default async function ClusterPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: SearchParams;
}) {
  const now = new Date();
  const { id } = await params;
  const cluster = await loadCluster(id);
  // poolers registered in the cluster are listed, but they have no replication role and
  // none of PostgreSQL's charts: the topology and the comparison are of the databases
  const databases = cluster.members.filter((m) => m.kind !== 'pgbouncer');
  const poolerCount = cluster.members.length - databases.length;
  const [{ query, window, compare }, topology, patroni, poolerLinks] = await Promise.all([
    pageWindow(searchParams, now),
    getClusterTopology({ db: db(), members: databases, at: now }),
    loadPatroni(cluster.id),
    listPoolerLinks(
      db(),
      cluster.members.map((m) => m.id),
    ),
  ]);
  // each pooler in front of the cluster, with the members it fronts
  const poolers = [...new Set(poolerLinks.map((l) => l.poolerId))].map((poolerId) => ({
    poolerId,
    name: poolerLinks.find((l) => l.poolerId === poolerId)!.poolerName,
    fronts: poolerLinks.filter((l) => l.poolerId === poolerId).map((l) => l.serverId),
  }));
  const label = new Map(topology.nodes.map((n) => [n.key, n.label]));
  const suffix = query ? `?${query}` : '';
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Fleet', href: '/' }, { label: cluster.name }]}
        title={cluster.name}
        subtitle={`${cluster.environment} · ${databases.length} server${databases.length === 1 ? '' : 's'}${poolerCount ? ` · ${poolerCount} pooler${poolerCount === 1 ? '' : 's'}` : ''}${cluster.description ? ` · ${cluster.description}` : ''}`}
        query={query}
      />
      <section className="panel" aria-labelledby="cluster-alerts">
        <h2 id="cluster-alerts">Active alerts</h2>
        <AlertList
          alerts={cluster.alerts}
          now={now}
          emptyText="No alert is firing in this cluster."
        />
      </section>
      <section className="section panel" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        {cluster.members.length === 0 ? (
          <EmptyState title="This cluster has no servers yet">
            Assign servers to it under <Link href="/admin/servers">Admin &gt; Servers</Link>.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th>Health</th>
                  <th>Server</th>
                  <th>Address</th>
                  <th className="num">Active alerts</th>
                </tr>
              </thead>
              <tbody>
                {cluster.members.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <StatusBadge state={m.health} />
                    </td>
                    <td>
                      <Link href={`/servers/${m.id}${suffix}`}>{m.name}</Link>
                      {m.kind === 'pgbouncer' ? <span className="muted"> · PgBouncer</span> : null}
                    </td>
                    <td className="muted">
                      {m.host}:{m.port}
                    </td>
                    <td className="num">{m.activeAlerts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <PatroniPanel clusterId={cluster.id} patroni={patroni} suffix={suffix} />
      {databases.length > 0 ? (
        <section className="section panel" aria-labelledby="topology-title">
          <h2 id="topology-title">Replication topology</h2>
          <TopologyGraph topology={topology} hrefFor={(id) => `/servers/${id}${suffix}`} />
          <p className="topology-legend">
            <span>
              Links coloured by replay lag: <span style={{ color: 'var(--ok)' }}>under 16 MiB</span>
              , <span style={{ color: 'var(--warn)' }}>under 1 GB</span>,{' '}
              <span style={{ color: 'var(--crit)' }}>1 GB or more</span>,{' '}
              <span style={{ color: 'var(--off)' }}>unknown</span>; dashed = logical.
            </span>
            <span>
              Lag over time per link: the replication lag charts below, one series per WAL sender.
            </span>
          </p>
          {poolers.length > 0 ? (
            <ul className="summary-list" aria-label="Poolers in front">
              {poolers.map((p) => (
                <li key={p.poolerId}>
                  Pooler <Link href={`/servers/${p.poolerId}${suffix}`}>{p.name}</Link> in front of{' '}
                  {p.fronts
                    .map((id) => cluster.members.find((m) => m.id === id)?.name ?? `#${id}`)
                    .join(', ')}
                </li>
              ))}
            </ul>
          ) : null}
          {topology.edges.length === 0 ? (
            <p className="muted">
              No replication link seen: no member streams WAL to another or to an unregistered
              standby (or the collector has not sampled <code>pg_stat_replication</code> yet).
            </p>
          ) : (
            <div className="table-wrap">
              <table className="data" aria-label="Replication links">
                <thead>
                  <tr>
                    <th>From</th>
                    <th>To</th>
                    <th>Kind</th>
                    <th>WAL sender</th>
                    <th className="num">Replay lag</th>
                    <th className="num">Lag (s)</th>
                  </tr>
                </thead>
                <tbody>
                  {topology.edges.map((e) => (
                    <tr key={`${e.from}-${e.to}-${e.kind}`}>
                      <td>{label.get(e.from)}</td>
                      <td>{label.get(e.to)}</td>
                      <td>{e.kind}</td>
                      <td className="muted">{e.applicationName ?? '—'}</td>
                      <td className="num">
                        <span
                          className={`badge badge-${e.level === 'unknown' ? 'unknown' : e.level}`}
                        >
                          {formatBytes(e.replayLagBytes)}
                        </span>
                      </td>
                      <td className="num">{formatNumber(e.replayLagSeconds)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
      {databases.length > 0 ? (
        <section className="section" aria-labelledby="compare-title">
          <h2 id="compare-title">Members side by side</h2>
          {databases.slice(0, 6).map((m) => (
            <div key={m.id} className="section">
              <h3 style={{ margin: '0 0 8px', fontSize: '0.95rem' }}>{m.name}</h3>
              <ChartGrid
                serverId={m.id}
                charts={[
                  { id: 'tps', title: `${m.name}: transactions per second` },
                  { id: 'replication_lag', title: `${m.name}: replication lag` },
                ]}
                window={window}
                compare={compare}
              />
            </div>
          ))}
        </section>
      ) : null}
    </>
  );
}
