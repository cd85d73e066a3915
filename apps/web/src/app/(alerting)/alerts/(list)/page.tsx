import { SEVERITIES, type AlertState, type Severity } from '@pgvigil/db';
import { listAlerts } from '@pgvigil/db/alerting';
import { withAlertUnits } from '@pgvigil/alerting';
import { AlertsTable } from '@/components/alerting/alerts-table';
import { AskPanel } from '@/components/ask/ask-panel';
import { alertView } from '@/server/alerting-views';
import { hasRole, requirePageUser } from '@/server/auth';
import { db } from '@/server/db';
import { llmConfig } from '@/server/env';

export const metadata = { title: 'Alerts' };
export const dynamic = 'force-dynamic';

const VIEWS = {
  firing: ['firing', 'acknowledged', 'no_data'],
  pending: ['pending'],
  silenced: ['silenced'],
  history: ['resolved'],
} as const satisfies Record<string, readonly AlertState[]>;
type View = keyof typeof VIEWS;

const EMPTY: Record<View, { title: string; hint: string }> = {
  firing: {
    title: 'No alert is firing',
    hint: 'The alerter evaluates every enabled rule each minute; thresholds are under Rules.',
  },
  pending: {
    title: 'No alert is pending',
    hint: 'A rule\'s condition must hold for its "for" duration before the alert fires.',
  },
  silenced: {
    title: 'No alert is silenced',
    hint: 'Alerts inside a blackout window are recorded here instead of being sent.',
  },
  history: { title: 'No resolved alert yet', hint: 'Alerts that cleared appear here.' },
};

export default async function AlertsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const user = await requirePageUser('viewer', '/alerts');
  const q = await searchParams;
  const view: View = q.view && q.view in VIEWS ? (q.view as View) : 'firing';
  const severity = SEVERITIES.includes(q.severity as Severity)
    ? (q.severity as Severity)
    : undefined;
  // a page address, not the API: notifications link here with `server=` and `rule=`
  const serverId = Number(q.server) > 0 ? Number(q.server) : undefined;
  const alerts = (
    await withAlertUnits(
      db(),
      await listAlerts(db(), {
        states: [...VIEWS[view]],
        ...(severity ? { severities: [severity] } : {}),
        ...(serverId ? { serverId } : {}),
        limit: 200,
      }),
    )
  ).map(alertView);
  const link = (v: View) =>
    `/alerts?view=${v}${severity ? `&severity=${severity}` : ''}${serverId ? `&server=${serverId}` : ''}`;
  return (
    <>
      <div className="page-header">
        <h1>Alerts</h1>
      </div>
      <div className="toolbar">
        <nav className="segmented" aria-label="Alert views">
          {(Object.keys(VIEWS) as View[]).map((v) => (
            <a
              key={v}
              className="seg"
              href={link(v)}
              aria-current={v === view ? 'page' : undefined}
            >
              {v}
            </a>
          ))}
        </nav>
        <form className="toolbar" method="get" style={{ margin: 0 }}>
          <input type="hidden" name="view" value={view} />
          <label>
            Severity{' '}
            <select name="severity" defaultValue={severity ?? ''} className="select">
              <option value="">any</option>
              {SEVERITIES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <button className="btn" type="submit">
            Filter
          </button>
        </form>
      </div>
      {llmConfig() ? <AskPanel {...(serverId ? { serverId } : {})} /> : null}
      <section className="panel">
        <AlertsTable
          alerts={alerts}
          now={new Date()}
          canAck={hasRole(user.role, 'editor')}
          empty={EMPTY[view]}
        />
      </section>
    </>
  );
}
