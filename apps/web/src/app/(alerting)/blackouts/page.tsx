import { blackoutWindow, upcomingWindows } from '@pgvigil/alerting';
import { listBlackouts } from '@pgvigil/db/alerting';
import { BlackoutForm, DeleteButton } from '@/components/alerting/blackout-form';
import { EmptyState } from '@/components/shell/states';
import { blackoutView } from '@/server/alerting-views';
import { hasRole, requirePageUser } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Blackouts' };
export const dynamic = 'force-dynamic';

const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export default async function BlackoutsPage() {
  const user = await requirePageUser('viewer', '/blackouts');
  const canEdit = hasRole(user.role, 'editor');
  const now = new Date();
  const until = new Date(now.getTime() + 14 * 86_400_000);
  const rows = await listBlackouts(db());
  const blackouts = rows.map(blackoutView);
  const calendar = rows
    .filter((b) => b.enabled)
    .flatMap((b) =>
      upcomingWindows(blackoutWindow(b), now, until, 20).map((w) => ({
        ...w,
        name: b.name,
        scope: b.scope_type,
      })),
    )
    .sort((a, b) => a.start.getTime() - b.start.getTime())
    .slice(0, 40);
  return (
    <>
      <div className="page-header">
        <h1>Blackouts</h1>
        <p className="muted">
          Inside a window, alerts are recorded as silenced and not sent; what still fires when it
          ends is sent then.
        </p>
      </div>
      <section className="panel" aria-label="Upcoming windows">
        <h2>Next 14 days</h2>
        {calendar.length === 0 ? (
          <EmptyState
            title={blackouts.length ? 'No window in the next 14 days' : 'No blackout defined'}
          >
            {canEdit
              ? 'Add a recurring or one-off window below; alerts inside it are silenced.'
              : 'An editor can add maintenance windows here.'}
          </EmptyState>
        ) : (
          <ul className="summary-list">
            {calendar.map((w, i) => (
              <li key={i}>
                {w.start <= now ? <b>now </b> : null}
                {when(w.start)} → {when(w.end)} — {w.name} ({w.scope})
              </li>
            ))}
          </ul>
        )}
      </section>
      {blackouts.length > 0 ? (
        <section className="section panel" aria-labelledby="blackouts-title">
          <h2 id="blackouts-title">Windows</h2>
          <div className="table-wrap">
            <table className="data" aria-labelledby="blackouts-title">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Scope</th>
                  <th>When</th>
                  {canEdit ? (
                    <th>
                      <span className="sr-only">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {blackouts.map((b) => (
                  <tr key={b.id}>
                    <td>{b.name}</td>
                    <td>
                      {b.scopeType}
                      {b.scopeId ? ` #${b.scopeId}` : ''}
                      {b.databaseName ? ` / ${b.databaseName}` : ''}
                    </td>
                    <td>
                      {b.cron
                        ? `${b.cron} for ${b.durationMinutes} min (${b.timezone})`
                        : `${when(b.startsAt!)} → ${when(b.endsAt!)}`}
                    </td>
                    {canEdit ? (
                      <td>
                        <DeleteButton path={`/blackouts/${b.id}`} label={b.name} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {canEdit ? <BlackoutForm /> : null}
    </>
  );
}
