import type { ActiveAlert } from '@/contract';
import Link from 'next/link';
import { bandChartHref } from '@/components/charts/chart-bands';
import { EmptyState } from '@/components/shell/states';
import { formatAgo } from './format';
import { StatusBadge } from './health-badge';

/**
 * Where an alert points: the deepest page it concerns, with a window that starts
 * an hour before it fired, so the link shows the moment things went wrong.
 */
export function alertHref(a: ActiveAlert, now: Date): string {
  const since = new Date(a.firedAt ?? a.startedAt);
  const from = new Date(since.getTime() - 3600_000).toISOString();
  const q = `?from=${encodeURIComponent(from)}&to=${encodeURIComponent(now.toISOString())}`;
  if (a.serverId == null) return `/alerts/${a.id}`;
  const base = `/servers/${a.serverId}`;
  // an anomaly: the chart with its expected band, the database's own when it judges one
  const band = bandChartHref({
    ...a,
    serverId: a.serverId,
    window: { from: new Date(since.getTime() - 3600_000), to: now },
  });
  if (band) return band;
  return a.databaseName
    ? `${base}/databases/${encodeURIComponent(a.databaseName)}${q}`
    : `${base}${q}`;
}

export function AlertList({
  alerts,
  now,
  emptyText = 'No alert is firing.',
}: {
  alerts: readonly ActiveAlert[];
  now: Date;
  emptyText?: string;
}) {
  if (alerts.length === 0) return <EmptyState title={emptyText} />;
  return (
    <ul className="alert-list" aria-label="Active alerts">
      {alerts.map((a) => (
        <li key={a.id}>
          <StatusBadge state={a.severity ?? 'info'} />
          <div style={{ flex: 1, minWidth: 0 }}>
            <Link href={alertHref(a, now)}>
              <strong>{a.ruleName}</strong>
            </Link>{' '}
            <span className="muted">
              {a.serverName ?? 'platform'}
              {a.databaseName ? ` / ${a.databaseName}` : ''}
              {a.objectKey ? ` / ${a.objectKey}` : ''}
            </span>
            {a.message ? <div className="muted">{a.message}</div> : null}
          </div>
          <span className="muted">
            {a.state === 'acknowledged' ? 'acknowledged · ' : ''}
            since {formatAgo(a.firedAt ?? a.startedAt, now)}
          </span>
        </li>
      ))}
    </ul>
  );
}
