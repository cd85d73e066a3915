import { listAudit } from '@pgvigil/db/accounts';
import styles from '@/components/admin/admin.module.css';
import { requirePageUser } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Audit log' };
export const dynamic = 'force-dynamic';

const PAGE = 100;

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<{ before?: string }>;
}) {
  await requirePageUser('admin', '/admin/audit');
  const before = Number((await searchParams).before);
  const entries = await listAudit(db(), {
    limit: PAGE,
    beforeId: Number.isSafeInteger(before) && before > 0 ? before : undefined,
  });
  const last = entries[entries.length - 1];
  return (
    <div className={styles.page}>
      <h1>Audit log</h1>
      <div className={styles.panel}>
        <table className={styles.table} aria-label="Audit log">
          <thead>
            <tr>
              <th>When (UTC)</th>
              <th>Who</th>
              <th>From</th>
              <th>What</th>
              <th>Target</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{e.at.toISOString().replace('T', ' ').slice(0, 19)}</td>
                <td>{e.actor}</td>
                <td>{e.ip ?? '—'}</td>
                <td>{e.action}</td>
                <td>
                  {e.targetType}
                  {e.targetId ? ` ${e.targetId}` : ''}
                </td>
                <td>
                  <code>{JSON.stringify(e.details)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries.length === PAGE && last ? (
          <a href={`/admin/audit?before=${last.id}`}>Older entries</a>
        ) : null}
      </div>
    </div>
  );
}
