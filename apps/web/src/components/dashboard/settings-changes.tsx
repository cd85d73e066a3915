import type { CurrentSetting, SettingChange } from '@/contract';
import { EmptyState } from '@/components/shell/states';
import { formatTime } from './links';

const value = (v: string | null, unit: string | null) =>
  v == null ? (
    <span className="muted">absent</span>
  ) : (
    <code>{`${v}${unit ? ` ${unit}` : ''}`}</code>
  );

/** Setting changes (the first snapshot with the new value) and the settings not at their default. */
export function SettingsChanges({
  changes,
  current,
}: {
  changes: SettingChange[];
  current: CurrentSetting[];
}) {
  const pending = current.filter((s) => s.pendingRestart);
  return (
    <>
      {pending.length > 0 ? (
        <p>
          <span className="badge badge-warning">restart pending</span> for{' '}
          {pending.map((s) => s.name).join(', ')}: changed in the configuration, not in effect until
          the server restarts.
        </p>
      ) : null}
      {changes.length === 0 ? (
        <EmptyState title="No setting changed since monitoring began">
          The collector snapshots <code>pg_settings</code> every 10 minutes and records each change.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label="Setting changes">
            <thead>
              <tr>
                <th>Seen at</th>
                <th>Setting</th>
                <th>Before</th>
                <th>After</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={`${c.seenAt.toISOString()}-${c.name}`}>
                  <td title={`changed after ${formatTime(c.previousAt)}`}>
                    {formatTime(c.seenAt)}
                  </td>
                  <td>
                    {c.name}
                    {c.pendingRestart ? (
                      <span className="badge badge-warning">restart pending</span>
                    ) : null}
                  </td>
                  <td>{value(c.before, c.unit)}</td>
                  <td>{value(c.after, c.unit)}</td>
                  <td className="muted">{c.source ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {current.length > 0 ? (
        <details className="section">
          <summary>
            {current.length} setting{current.length === 1 ? '' : 's'} not at the built-in default
          </summary>
          <table className="data" aria-label="Non-default settings">
            <tbody>
              {current.map((s) => (
                <tr key={s.name}>
                  <td>{s.name}</td>
                  <td>{value(s.setting, s.unit)}</td>
                  <td className="muted">{s.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </>
  );
}
