import type { BlockingNode, LiveActivity } from '@/contract';
import { EmptyState } from '@/components/shell/states';
import { formatAgo } from './format';

// now() minus a start time read a moment later can be a hair below zero
const secs = (raw: number | null) => {
  if (raw == null) return '—';
  const v = Math.max(0, raw);
  return v < 90 ? `${v.toFixed(v < 10 ? 1 : 0)} s` : `${Math.round(v / 60)} min`;
};

function Node({ node }: { node: BlockingNode }) {
  return (
    <li>
      <div className="blocking-node">
        <span
          className={`badge ${node.blockedSeconds == null ? 'badge-critical' : 'badge-warning'}`}
        >
          pid {node.pid}
        </span>{' '}
        <span className="muted">
          {node.state ?? 'unknown state'}
          {node.blockedSeconds != null ? ` for ${secs(node.blockedSeconds)}` : ''}
          {node.user ? ` · ${node.user}` : ''}
          {node.datname ? ` · ${node.datname}` : ''}
        </span>
        {node.query ? <code className="blocking-query">{node.query}</code> : null}
      </div>
      {node.blocks.length > 0 ? (
        <ul>
          {node.blocks.map((c) => (
            <Node key={c.pid} node={c} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** Who blocks whom right now: the session at each root holds the lock the others wait for. */
export function BlockingTree({ live, now }: { live: LiveActivity; now: Date }) {
  if (live.blockingTree.length === 0) {
    return (
      <p className="muted">
        No session is waiting on another&apos;s lock
        {live.blockingAt ? ` (checked ${formatAgo(live.blockingAt, now)})` : ''}.
      </p>
    );
  }
  return (
    <ul className="blocking-tree" aria-label="Blocking tree">
      {live.blockingTree.map((n) => (
        <Node key={n.pid} node={n} />
      ))}
    </ul>
  );
}

/** The newest sampled session list (every 15 s), busiest first. */
export function LiveSessions({ live, now }: { live: LiveActivity; now: Date }) {
  if (!live.sessionsAt) {
    return (
      <EmptyState title="No recent session sample">
        The collector samples <code>pg_stat_activity</code> every 15 seconds; pgvigil&apos;s role
        needs <code>pg_monitor</code> (or <code>pg_read_all_stats</code>) to see other users&apos;
        queries.
      </EmptyState>
    );
  }
  return (
    <>
      <p className="muted">
        Sampled {formatAgo(live.sessionsAt, now)} · {live.totalSessions} client session
        {live.totalSessions === 1 ? '' : 's'}
        {live.totalSessions > live.sessions.length
          ? `, the ${live.sessions.length} busiest shown`
          : ''}
      </p>
      <div className="table-wrap">
        <table className="data" aria-label="Live sessions">
          <thead>
            <tr>
              <th className="num">PID</th>
              <th>Database</th>
              <th>User</th>
              <th>Application</th>
              <th>State</th>
              <th>Waiting on</th>
              <th className="num">Transaction</th>
              <th className="num">Query</th>
              <th>Query text</th>
            </tr>
          </thead>
          <tbody>
            {live.sessions.map((s) => (
              <tr key={s.pid}>
                <td className="num">{s.pid}</td>
                <td>{s.datname ?? '—'}</td>
                <td>{s.usename ?? '—'}</td>
                <td className="muted">{s.applicationName || '—'}</td>
                <td>{s.state ?? '—'}</td>
                <td className="muted">
                  {s.waitEventType ? `${s.waitEventType}: ${s.waitEvent ?? ''}` : '—'}
                </td>
                <td className="num">{secs(s.xactSeconds)}</td>
                <td className="num">{s.state === 'active' ? secs(s.querySeconds) : '—'}</td>
                <td className="query-cell" title={s.query ?? ''}>
                  {s.query ? <code>{s.query}</code> : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
