import type { SchemaChange } from '@/contract';
import { EmptyState } from '@/components/shell/states';
import { formatTime } from './links';

const CHANGE_CLASS = { created: 'badge-ok', altered: 'badge-warning', dropped: 'badge-critical' };

/** DDL events: when the collector first saw a new definition, and between which snapshots it ran. */
export function SchemaChanges({ changes, what }: { changes: SchemaChange[]; what: string }) {
  if (changes.length === 0) {
    return (
      <EmptyState title="No DDL change seen">
        The collector hashes every definition in {what} every 10 minutes and records a change when a
        hash differs from the snapshot before.
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Schema changes">
        <thead>
          <tr>
            <th>Seen at</th>
            <th>Object</th>
            <th>Kind</th>
            <th>Change</th>
            <th>Ran after</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={`${c.seenAt.toISOString()}-${c.schemaname}.${c.name}-${c.kind}`}>
              <td>{formatTime(c.seenAt)}</td>
              <td>
                <code>
                  {c.schemaname}.{c.name}
                </code>
              </td>
              <td>{c.kind}</td>
              <td>
                <span className={`badge ${CHANGE_CLASS[c.change]}`}>{c.change}</span>
              </td>
              <td className="muted">{formatTime(c.previousAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
