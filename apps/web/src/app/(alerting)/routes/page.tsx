import { listChannels, listEscalationPolicies, listRoutes } from '@pgvigil/db/alerting';
import { EscalationForm } from '@/components/alerting/escalation-form';
import { PolicyActions, RouteActions } from '@/components/alerting/route-actions';
import { RouteForm, RouteTester } from '@/components/alerting/routing-forms';
import { EmptyState } from '@/components/shell/states';
import { hasRole, requirePageUser } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Routes' };
export const dynamic = 'force-dynamic';

const matchText = (m: Record<string, unknown>) =>
  Object.entries(m)
    .map(([k, v]) => `${k}: ${([] as unknown[]).concat(v).join(', ')}`)
    .join('; ') || 'every alert';

const timingText = (r: {
  group_wait_seconds: number | null;
  group_interval_seconds: number | null;
  repeat_interval_seconds: number | null;
}) =>
  [
    r.group_wait_seconds === null ? '' : `wait ${r.group_wait_seconds}s`,
    r.group_interval_seconds === null ? '' : `interval ${r.group_interval_seconds}s`,
    r.repeat_interval_seconds === null ? '' : `repeat ${r.repeat_interval_seconds}s`,
  ]
    .filter(Boolean)
    .join(', ') || 'default';

export default async function RoutesPage({
  searchParams,
}: {
  searchParams: Promise<{ edit?: string; editPolicy?: string }>;
}) {
  const user = await requirePageUser('viewer', '/routes');
  const { edit, editPolicy } = await searchParams;
  const canEdit = hasRole(user.role, 'admin');
  const [routes, policies, channels] = await Promise.all([
    listRoutes(db()),
    listEscalationPolicies(db()),
    listChannels(db()),
  ]);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const names = (ids: readonly number[]) =>
    ids.map((id) => channelName.get(id) ?? `#${id} (deleted)`).join(', ');
  const policyName = new Map(policies.map((p) => [p.id, p.name]));
  const editing = canEdit ? routes.find((r) => String(r.id) === edit) : undefined;
  const editingPolicy = canEdit ? policies.find((p) => String(p.id) === editPolicy) : undefined;
  const order = routes.map((r) => r.id);
  const namedChannels = channels.map((c) => ({ id: c.id, name: c.name }));
  const namedPolicies = policies.map((p) => ({ id: p.id, name: p.name }));
  return (
    <>
      <div className="page-header">
        <h1>Routes</h1>
        <p className="muted">
          Tried in order: the first route that matches an alert sends it to its channels, unless it
          continues. An alert no route matches takes the default route: every channel with its own
          minimum severity.
        </p>
      </div>
      <section className="panel" aria-labelledby="routes-title">
        <h2 id="routes-title">Routes</h2>
        {routes.length === 0 ? (
          <EmptyState title="Only the default route">
            Every alert goes to every enabled channel whose minimum severity it reaches.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="data" aria-labelledby="routes-title">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Name</th>
                  <th>Matches</th>
                  <th>Channels</th>
                  <th>Escalation</th>
                  <th>Continue</th>
                  <th>Timing</th>
                  {canEdit ? <th>Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {routes.map((r, i) => (
                  <tr key={r.id}>
                    <td>{i + 1}</td>
                    <td>
                      {r.name}
                      {r.enabled ? '' : ' (disabled)'}
                    </td>
                    <td>{matchText(r.match)}</td>
                    <td>{names(r.channel_ids)}</td>
                    <td>{r.escalation_id === null ? '' : policyName.get(r.escalation_id)}</td>
                    <td>{r.continue ? 'yes' : 'no'}</td>
                    <td>{timingText(r)}</td>
                    {canEdit ? (
                      <td>
                        <RouteActions id={r.id} name={r.name} order={order} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="section panel" aria-labelledby="escalations-title">
        <h2 id="escalations-title">Escalation policies</h2>
        {policies.length === 0 ? (
          <EmptyState title="No escalation policy">
            A route with a policy notifies its next step when nobody acknowledges in time.
          </EmptyState>
        ) : (
          <ul>
            {policies.map((p) => (
              <li key={p.id}>
                <strong>{p.name}</strong>:{' '}
                {p.steps
                  .map((s, i) => `${i + 1}. ${names(s.channelIds)} (wait ${s.waitMinutes} min)`)
                  .join(' → ')}
                {p.repeat ? ', then again' : ''}{' '}
                {canEdit ? <PolicyActions id={p.id} name={p.name} /> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <RouteTester />
      {canEdit ? (
        <>
          <RouteForm
            key={editing?.id ?? 'new'}
            channels={namedChannels}
            escalations={namedPolicies}
            {...(editing
              ? {
                  editing: {
                    id: editing.id,
                    name: editing.name,
                    match: editing.match,
                    channelIds: editing.channel_ids,
                    continue: editing.continue,
                    escalationId: editing.escalation_id,
                    groupWaitSeconds: editing.group_wait_seconds,
                    groupIntervalSeconds: editing.group_interval_seconds,
                    repeatIntervalSeconds: editing.repeat_interval_seconds,
                  },
                }
              : {})}
          />
          <EscalationForm
            key={editingPolicy?.id ?? 'new'}
            channels={namedChannels}
            {...(editingPolicy ? { editing: editingPolicy } : {})}
          />
        </>
      ) : null}
    </>
  );
}
