import { CHARTS } from '@pgvigil/schema';
import Link from 'next/link';
import type { ComponentProps } from 'react';
import { ChartGrid } from '@/components/charts/chart-grid';
import { AlertList } from '@/components/dashboard/alert-list';
import { StatusBadge } from '@/components/dashboard/health-badge';
import { PageHeader } from '@/components/shell/page-header';

export const POOLER_CHARTS = [
  CHARTS.pgbouncer_clients,
  CHARTS.pgbouncer_servers,
  CHARTS.pgbouncer_utilisation,
  CHARTS.pgbouncer_traffic,
  CHARTS.pgbouncer_bytes,
].map((c) => ({ id: c.id, title: c.title }));

type Grid = ComponentProps<typeof ChartGrid>;

/** A pooler's page: what it fronts, its alerts, and its pool charts. */
export function PoolerOverview({
  server,
  fronts,
  crumbs,
  query,
  now,
  window,
  compare,
  charts,
}: {
  server: {
    id: number;
    name: string;
    host: string;
    port: number;
    environment: string;
    health: ComponentProps<typeof StatusBadge>['state'];
    alerts: ComponentProps<typeof AlertList>['alerts'];
  };
  fronts: { id: number; name: string }[];
  crumbs: ComponentProps<typeof PageHeader>['crumbs'];
  query: string;
  now: Date;
  window: Grid['window'];
  compare: Grid['compare'];
  charts: Grid['initial'];
}) {
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={server.name}
        badge={<StatusBadge state={server.health} />}
        subtitle={`PgBouncer at ${server.host}:${server.port} · ${server.environment}`}
        query={query}
      />
      <section className="panel" aria-labelledby="fronts-title">
        <h2 id="fronts-title">Pooler in front of</h2>
        {fronts.length ? (
          <ul className="summary-list">
            {fronts.map((f) => (
              <li key={f.id}>
                <Link href={`/servers/${f.id}`}>{f.name}</Link>
              </li>
            ))}
          </ul>
        ) : (
          <p>No server linked yet: edit the pooler in Admin → Servers to list them.</p>
        )}
        {server.alerts.length > 0 ? (
          <div className="section">
            <AlertList alerts={server.alerts} now={now} />
          </div>
        ) : null}
      </section>
      <section className="section" aria-label="Charts">
        <ChartGrid
          serverId={server.id}
          charts={POOLER_CHARTS}
          window={window}
          compare={compare}
          initial={charts}
        />
      </section>
    </>
  );
}
