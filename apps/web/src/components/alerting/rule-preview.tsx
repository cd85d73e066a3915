import type { previewRule, WireOf } from '@/contract';
import { num, STATE_BADGE } from './format';

export type PreviewResponse = WireOf<typeof previewRule>;

const time = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    day: 'numeric',
    month: 'short',
  });

/** What the rule would have done over the last 24 h: who fired, when, for how long. */
export function RulePreview({ result }: { result: PreviewResponse }) {
  const { preview, serverNames } = result;
  return (
    <section aria-label="Preview" className="panel">
      <h3>Last 24 h</h3>
      <p>
        {preview.firing === 0
          ? `Would not have fired on any of ${preview.instances} series.`
          : `Would have fired on ${preview.firing} of ${preview.instances} series.`}{' '}
        Evaluated every {preview.stepSeconds} s without blackouts.
      </p>
      {preview.series.length ? (
        <table className="table">
          <thead>
            <tr>
              <th>Server</th>
              <th>Database / object</th>
              <th>Fired</th>
              <th>Firing for</th>
              <th>Worst value</th>
              <th>Transitions</th>
            </tr>
          </thead>
          <tbody>
            {preview.series.map((s) => (
              <tr key={`${s.serverId}|${s.database}|${s.object}`}>
                <td>{s.serverId === null ? '—' : (serverNames[s.serverId] ?? s.serverId)}</td>
                <td>{[s.database, s.object].filter(Boolean).join(' / ') || '—'}</td>
                <td>{s.fired}</td>
                <td>{Math.round(s.firingSeconds / 60)} min</td>
                <td>{num(s.peak)}</td>
                <td>
                  {s.events.slice(0, 8).map((e, i) => (
                    <span key={i} className={STATE_BADGE[e.state] ?? 'badge'} title={time(e.at)}>
                      {e.state} {time(e.at)}
                    </span>
                  ))}
                  {s.events.length > 8 ? ` +${s.events.length - 8}` : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
