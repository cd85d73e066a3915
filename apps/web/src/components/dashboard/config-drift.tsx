import type { ConfigDriftView } from '@/contract';
import { formatTime } from './links';
import { MarkBaselineButton } from './mark-baseline-button';

const cell = (v: string | null, empty: string) =>
  v === null ? <span className="muted">{empty}</span> : <code>{v}</code>;

/**
 * The configuration an admin marked as known-good and what differs from it now: what
 * the config_drift rule fires on. Admins mark it (again, once a change is intended).
 */
export function ConfigDrift({
  serverId,
  view,
  canMark,
}: {
  serverId: number;
  view: ConfigDriftView;
  canMark: boolean;
}) {
  const { baseline, differences } = view;
  return (
    <>
      {baseline ? (
        <p>
          Marked known-good {formatTime(baseline.markedAt)}
          {baseline.markedBy ? ` by ${baseline.markedBy}` : ''}: {baseline.settings} settings,{' '}
          {baseline.hbaLines === null
            ? 'pg_hba.conf not readable then'
            : `${baseline.hbaLines} pg_hba.conf lines`}
          .{' '}
          {differences.length === 0
            ? 'Nothing differs now.'
            : `${differences.length} difference(s) now (config_drift fires on them):`}
        </p>
      ) : (
        <p className="muted">
          No configuration marked as known-good: config_drift does not judge this server.
        </p>
      )}
      {differences.length > 0 ? (
        <div className="table-wrap">
          <table className="data" aria-label="Configuration drift">
            <thead>
              <tr>
                <th>What</th>
                <th>Marked</th>
                <th>Now</th>
              </tr>
            </thead>
            <tbody>
              {differences.map((d, i) => (
                <tr key={`${d.kind}-${d.name}-${i}`}>
                  <td>{d.name}</td>
                  <td>{cell(d.before, d.kind === 'hba' ? '' : 'absent')}</td>
                  <td>
                    {d.kind === 'hba' && d.before === null && d.after === null
                      ? 'lines reordered'
                      : cell(d.after, d.kind === 'hba' ? '' : 'absent')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canMark ? <MarkBaselineButton serverId={serverId} again={baseline !== null} /> : null}
    </>
  );
}
