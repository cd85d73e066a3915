import { listActiveAlerts, listClusterSummaries } from '@pgvigil/db/dashboard';
import Link from 'next/link';
import { AlertList } from '@/components/dashboard/alert-list';
import { FleetTable } from '@/components/dashboard/fleet-table';
import { PageHeader } from '@/components/shell/page-header';
import { parseTimeWindow, windowQuery } from '@/components/shell/time-range';
import { db } from '@/server/db';
import { selfHealth } from '@/server/self-health';

export const metadata = { title: 'Fleet' };

export default async function FleetPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const now = new Date();
  const sp = await searchParams;
  const w = parseTimeWindow(sp, now);
  const [alerts, clusters, health] = await Promise.all([
    listActiveAlerts({ db: db(), input: { limit: 20 } }),
    listClusterSummaries({ db: db() }),
    selfHealth(),
  ]);
  const q = windowQuery(w);
  const suffix = q ? `?${q}` : '';
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Fleet' }]}
        title="Fleet"
        subtitle={`Platform ${health.status}: collector ${(health.components.collector?.status ?? 'unknown').replace('_', ' ')}, alerter ${(health.components.alerter?.status ?? 'unknown').replace('_', ' ')}`}
        query={q}
      />
      {sp.forbidden ? (
        <p className="notice" role="status">
          That page needs an administrator; ask one for the admin role.
        </p>
      ) : null}
      <section className="panel" aria-labelledby="firing-title">
        <h2 id="firing-title">Firing alerts</h2>
        <AlertList alerts={alerts} now={now} emptyText="No alert is firing across the fleet." />
      </section>
      {clusters.length > 0 ? (
        <section className="section" aria-labelledby="clusters-title">
          <h2 id="clusters-title">Clusters</h2>
          <div className="stats">
            {clusters.map((c) => (
              <Link
                key={c.id}
                href={`/clusters/${c.id}${suffix}`}
                className="panel"
                style={{ color: 'inherit' }}
              >
                <div className="stat-label">{c.environment}</div>
                <div style={{ fontWeight: 650, marginTop: 4 }}>{c.name}</div>
                <div className="muted" style={{ marginTop: 4 }}>
                  {c.servers} server{c.servers === 1 ? '' : 's'} · {c.activeAlerts} alert
                  {c.activeAlerts === 1 ? '' : 's'}
                </div>
              </Link>
            ))}
          </div>
        </section>
      ) : null}
      <section className="section panel" aria-labelledby="servers-title">
        <h2 id="servers-title">Servers</h2>
        <FleetTable windowQuery={q} />
      </section>
    </>
  );
}
