import Link from 'next/link';
import type { PatroniClusterView } from '@/contract/registry';
import { formatBytes } from './format';
import { PatroniActions } from './patroni-actions';

const when = (d: Date | null) =>
  d ? d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—';

/** The cluster's Patroni members and its switchovers and failovers, as last polled. */
export function PatroniPanel({
  clusterId,
  patroni,
  suffix,
}: {
  clusterId: number;
  patroni: PatroniClusterView;
  suffix: string;
}) {
  const p = patroni;
  return (
    <section className="section panel" aria-labelledby="patroni-title">
      <h2 id="patroni-title">Patroni</h2>
      <PatroniActions clusterId={clusterId} url={p.url} />
      {!p.url ? (
        <p className="muted">
          Give the REST API of one member: pgvigil follows the cluster&apos;s members, roles and
          failovers from it every 15 s.
        </p>
      ) : (
        <>
          <p>
            Leader <strong>{p.leader ?? 'none'}</strong> · timeline {p.timeline ?? '—'}
            {p.paused ? ' · paused (maintenance mode)' : ''}
            {p.synchronousMode ? ' · synchronous mode' : ''} · maximum_lag_on_failover{' '}
            {formatBytes(p.maximumLagOnFailover)}
            {p.scheduledSwitchover
              ? ` · switchover scheduled at ${p.scheduledSwitchover.at}${p.scheduledSwitchover.to ? ` to ${p.scheduledSwitchover.to}` : ''}`
              : ''}
          </p>
          <p className="muted">
            Read {when(p.readAt)}
            {p.error ? ` · last attempt ${when(p.errorAt)} failed: ${p.error}` : ''}
          </p>
          <div className="table-wrap">
            <table className="data" aria-label="Patroni members">
              <thead>
                <tr>
                  <th>Member</th>
                  <th>Role</th>
                  <th>State</th>
                  <th className="num">Lag</th>
                  <th className="num">Timeline</th>
                  <th>Pending restart</th>
                  <th>Tags</th>
                  <th>Server</th>
                </tr>
              </thead>
              <tbody>
                {p.members.map((m) => (
                  <tr key={m.name}>
                    <td>{m.name}</td>
                    <td>{m.role}</td>
                    <td>{m.state}</td>
                    <td className="num">{m.role === 'leader' ? '—' : formatBytes(m.lagBytes)}</td>
                    <td className="num">{m.timeline ?? '—'}</td>
                    <td>{m.pendingRestart ? 'yes' : ''}</td>
                    <td className="muted">
                      {Object.entries(m.tags)
                        .map(([k, v]) => `${k}=${String(v)}`)
                        .join(', ')}
                    </td>
                    <td>
                      {m.serverId ? (
                        <Link href={`/servers/${m.serverId}${suffix}`}>
                          {m.host}:{m.port}
                        </Link>
                      ) : (
                        <span className="muted">not registered</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>Switchovers and failovers</h3>
          {p.events.length === 0 ? (
            <p className="muted">None seen since pgvigil follows this cluster.</p>
          ) : (
            <ul aria-label="Patroni events">
              {p.events.map((e) => (
                <li key={e.id}>
                  {when(e.at)} · <strong>{e.title}</strong>
                  {e.details ? <span className="muted"> · {e.details}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
