import { listActiveAlerts, listClusterSummaries, listFleet } from '@pgvigil/db/dashboard';
import Link from 'next/link';
import { AlertList } from '@/components/dashboard/alert-list';
import { FLEET_FIRST_PAGE } from '@/components/dashboard/fleet-first-page';
import { FleetTable } from '@/components/dashboard/fleet-table';
import { PageHeader } from '@/components/shell/page-header';
import { parseTimeWindow, windowQuery } from '@/components/shell/time-range';
import type { listFleet as fleetEndpoint, WireOf } from '@/contract';
import { pageByOffset } from '@/server/api';
import { db } from '@/server/db';
import { selfHealth } from '@/server/self-health';

export const metadata = { title: 'Fleet' };

/** FLEET_FIRST_PAGE as `GET /api/v1/fleet` answers it, read while the page renders. */
async function firstFleetPage(at: Date) {
  const { limit, ...order } = FLEET_FIRST_PAGE;
  let total = 0;
  const page = await pageByOffset({ limit }, async (window) => {
    const fleet = await listFleet({ db: db(), input: { ...order, ...window }, at });
    total = fleet.total;
    return fleet.servers;
  });
  const wire = { servers: page.items, total, nextCursor: page.nextCursor };
  return JSON.parse(JSON.stringify(wire)) as WireOf<typeof fleetEndpoint>;
}

export default async function FleetPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const now = new Date();
  const sp = await searchParams;
  const w = parseTimeWindow(sp, now);
  const [alerts, clusters, health, servers] = await Promise.all([
    listActiveAlerts({ db: db(), input: { limit: 20 } }),
    listClusterSummaries({ db: db() }),
    selfHealth(),
    // the server list's first page arrives with the page, as the API would send it
    firstFleetPage(now),
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
                  {c.servers} server{c.servers === 1 ? '' : 's'}
                  {c.poolers ? ` · ${c.poolers} pooler${c.poolers === 1 ? '' : 's'}` : ''} ·{' '}
                  {c.activeAlerts} alert{c.activeAlerts === 1 ? '' : 's'}
                </div>
              </Link>
            ))}
          </div>
        </section>
      ) : null}
      <section className="section panel" aria-labelledby="servers-title">
        <h2 id="servers-title">Servers</h2>
        <FleetTable windowQuery={q} initial={servers} />
      </section>
    </>
  );
}
