import { investigateAlert } from '@pgvigil/alerting';
import Link from 'next/link';
import { z } from 'zod';
import { AlertsTable } from '@/components/alerting/alerts-table';
import { InvestigationPanel } from '@/components/alerting/investigation-panel';
import { investigation as investigationSchema } from '@/contract';
import { alertView } from '@/server/alerting-views';
import { hasRole, requirePageUser } from '@/server/auth';
import { db } from '@/server/db';
import { loadAlert } from './load';

export const metadata = { title: 'Alert' };
export const dynamic = 'force-dynamic';

/** One alert: its row, its transitions, and why it fired (the investigation panel). */
export default async function AlertPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser('viewer', `/alerts/${id}`);
  const { row, withUnit } = await loadAlert(id);
  const now = new Date();
  // the API's shape, so the panel renders what GET /alerts/{id}/investigation answers
  const investigation = z.decode(
    investigationSchema,
    z.encode(investigationSchema, await investigateAlert(db(), row.id, now)),
  );
  return (
    <>
      <div className="page-header">
        <h1>{row.rule_name}</h1>
        <p className="muted">
          <Link href="/alerts">Alerts</Link> · {row.server_name ?? 'no server'} · {row.message}
        </p>
      </div>
      <section className="panel">
        <AlertsTable
          alerts={[alertView(withUnit)]}
          now={now}
          canAck={hasRole(user.role, 'editor')}
          empty={{ title: 'No alert', hint: '' }}
        />
      </section>
      <InvestigationPanel investigation={investigation} />
      <section className="section panel" aria-labelledby="events-title">
        <h2 id="events-title">Transitions</h2>
        <ul>
          {row.events.map((e) => (
            <li key={e.id}>
              {e.at.toISOString().slice(0, 19).replace('T', ' ')} UTC: {e.from_state ?? '—'} →{' '}
              {e.to_state} {e.reason ? `(${e.reason})` : ''}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
