import type { Alert } from '@/contract';
import { bandChartHref } from '@/components/charts/chart-bands';
import { EmptyState } from '@/components/shell/states';
import { AckButton } from './ack-button';
import { ago, num, SEVERITY_BADGE, STATE_BADGE, withUnit } from './format';

export function AlertsTable({
  alerts,
  now,
  canAck,
  empty,
}: {
  alerts: Alert[];
  now: Date;
  canAck: boolean;
  /** what an empty list means, in words */
  empty: { title: string; hint: string };
}) {
  if (alerts.length === 0) return <EmptyState title={empty.title}>{empty.hint}</EmptyState>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>State</th>
            <th>Severity</th>
            <th>Rule</th>
            <th>Server</th>
            <th>Where</th>
            <th>Value</th>
            <th>Threshold</th>
            <th>Since</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.id} data-testid={`alert-${a.id}`}>
              <td>
                <span className={STATE_BADGE[a.state]}>{a.state.replace('_', ' ')}</span>
                {a.heldBy ? (
                  <span className="muted" title="Not sent while the server it depends on is down">
                    {' '}
                    held: {a.heldBy.serverName ?? `server ${a.heldBy.serverId}`} down
                  </span>
                ) : null}
              </td>
              <td>
                {a.severity ? (
                  <span className={SEVERITY_BADGE[a.severity]}>{a.severity}</span>
                ) : (
                  '—'
                )}
              </td>
              <td title={a.message}>
                <RuleCell alert={a} now={now} />
              </td>
              <td>{a.serverId ? <a href={`/servers/${a.serverId}`}>{a.serverName}</a> : '—'}</td>
              <td>{[a.databaseName, a.objectKey].filter(Boolean).join(' / ') || '—'}</td>
              <td>{a.unit ? withUnit(a.value, a.unit) : num(a.value)}</td>
              <td>{a.unit ? withUnit(a.threshold, a.unit) : num(a.threshold)}</td>
              <td>
                {a.state === 'resolved'
                  ? `resolved ${ago(a.resolvedAt, now)} ago`
                  : ago(a.startedAt, now)}
              </td>
              <td>
                <a href={`/alerts/${a.id}#investigation`} className="btn btn-ghost">
                  Why?
                </a>{' '}
                {canAck && (a.state === 'firing' || a.state === 'silenced') ? (
                  <AckButton alertId={a.id} />
                ) : null}
                {a.ackComment ? <span className="muted">“{a.ackComment}”</span> : null}
                {a.state === 'acknowledged' && a.ackUntil ? (
                  <span className="muted">
                    {' '}
                    acknowledged until {a.ackUntil.toISOString().slice(11, 16)} UTC
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The rule's name; an anomaly's links to the chart that shows its expected band. */
function RuleCell({ alert: a, now }: { alert: Alert; now: Date }) {
  const href =
    a.serverId == null
      ? null
      : bandChartHref({
          serverId: a.serverId,
          ruleKey: a.ruleKey,
          databaseName: a.databaseName,
          objectKey: a.objectKey,
          window: {
            from: new Date(new Date(a.firedAt ?? a.startedAt).getTime() - 3600_000),
            to: a.resolvedAt
              ? new Date(Math.min(new Date(a.resolvedAt).getTime() + 3600_000, now.getTime()))
              : now,
          },
        });
  return href ? <a href={href}>{a.ruleName}</a> : <>{a.ruleName}</>;
}
