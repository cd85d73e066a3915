import type { AlertListItem } from '@pgvigil/db/alerting';
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
  alerts: AlertListItem[];
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
              <td>{a.server_id ? <a href={`/servers/${a.server_id}`}>{a.server_name}</a> : '—'}</td>
              <td>{[a.database_name, a.object_key].filter(Boolean).join(' / ') || '—'}</td>
              <td>{a.unit ? withUnit(a.value, a.unit) : num(a.value)}</td>
              <td>{a.unit ? withUnit(a.threshold, a.unit) : num(a.threshold)}</td>
              <td>
                {a.state === 'resolved'
                  ? `resolved ${ago(a.resolved_at, now)} ago`
                  : ago(a.started_at, now)}
              </td>
              <td>
                {canAck && (a.state === 'firing' || a.state === 'silenced') ? (
                  <AckButton alertId={a.id} />
                ) : null}
                {a.ack_comment ? <span className="muted">“{a.ack_comment}”</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The rule's name; an anomaly's links to the chart that shows its expected band. */
function RuleCell({ alert: a, now }: { alert: AlertListItem; now: Date }) {
  const href =
    a.server_id == null
      ? null
      : bandChartHref({
          serverId: a.server_id,
          ruleKey: a.rule_key,
          databaseName: a.database_name,
          objectKey: a.object_key,
          window: {
            from: new Date(new Date(a.fired_at ?? a.started_at).getTime() - 3600_000),
            to: a.resolved_at
              ? new Date(Math.min(new Date(a.resolved_at).getTime() + 3600_000, now.getTime()))
              : now,
          },
        });
  return href ? <a href={href}>{a.rule_name}</a> : <>{a.rule_name}</>;
}
