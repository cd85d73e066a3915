import type { ReplicationDetail as Detail } from '@pgvigil/db/dashboard';
import { formatNumber } from '@/components/dashboard/format';
import { EmptyState } from '@/components/shell/states';

const yesNo = (v: boolean | null) => (v === null ? '–' : v ? 'yes' : 'no');

/** The node's role in detail and its logical-replication subscriptions with table sync states. */
export function ReplicationDetail({ detail }: { detail: Detail }) {
  const logical = [
    detail.logicalPublisher ? 'logical publisher' : null,
    detail.logicalSubscriber ? 'logical subscriber' : null,
  ].filter((x) => x !== null);
  return (
    <>
      <p>
        Role: <strong>{detail.role ?? 'not collected yet'}</strong>
        {logical.length ? `, ${logical.join(' and ')}` : ''}
        {detail.timelineId !== null ? ` · timeline ${detail.timelineId}` : ''}
      </p>
      {detail.subscriptions.length === 0 ? (
        <EmptyState title="No subscriptions">
          The subscription_sync probe lists each database&apos;s logical-replication subscriptions,
          whether they are enabled and the sync state of their tables.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label="Subscriptions">
            <thead>
              <tr>
                <th>Database</th>
                <th>Subscription</th>
                <th>Enabled</th>
                <th className="num">Workers</th>
                <th className="num">Tables</th>
                <th className="num">Ready</th>
                <th className="num">Init</th>
                <th className="num">Copying</th>
                <th className="num">Copied</th>
                <th className="num">Synchronized</th>
              </tr>
            </thead>
            <tbody>
              {detail.subscriptions.map((s) => (
                <tr key={`${s.database}|${s.name}`}>
                  <td>{s.database}</td>
                  <td>{s.name}</td>
                  <td>{yesNo(s.enabled)}</td>
                  <td className="num">{formatNumber(s.workers)}</td>
                  <td className="num">{formatNumber(s.tables)}</td>
                  <td className="num">{formatNumber(s.ready)}</td>
                  <td className="num">{formatNumber(s.init)}</td>
                  <td className="num">{formatNumber(s.copying)}</td>
                  <td className="num">{formatNumber(s.copied)}</td>
                  <td className="num">{formatNumber(s.synchronized)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
