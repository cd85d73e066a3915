import { formatBytes, formatSeconds } from '@pgvigil/schema';
import type { ServerComparisonView } from '@/contract';
import { EmptyState } from '@/components/shell/states';
import { CopyButton } from './copy-button';
import { formatNumber } from './format';

const count = (n: number | null | undefined) =>
  n === null || n === undefined ? '—' : formatNumber(n);

/** Source against target: schema differences, rows, sequences behind, the replication link. */
export function Comparison({
  c,
  sourceName,
  targetName,
}: {
  c: ServerComparisonView;
  sourceName: string;
  targetName: string;
}) {
  const exact = c.rows.some((r) => r.sourceExact !== undefined);
  const behindSql = c.sequencesBehind.map((s) => s.fix).join('\n');
  return (
    <>
      <section className="panel section" aria-labelledby="link-title">
        <h2 id="link-title">Replication between them</h2>
        {c.replication.length === 0 ? (
          <EmptyState title="No subscription links these databases">
            A subscription on one whose slot is on the other shows here with its lag.
          </EmptyState>
        ) : (
          <table className="data" aria-label="Replication links">
            <thead>
              <tr>
                <th>Subscription</th>
                <th>Subscriber</th>
                <th>Slot</th>
                <th>State</th>
                <th className="num">Lag</th>
                <th className="num">Replay lag</th>
              </tr>
            </thead>
            <tbody>
              {c.replication.map((l) => (
                <tr key={`${l.subscriber}-${l.subscription}`}>
                  <td>{l.subscription}</td>
                  <td>{l.subscriber === 'target' ? targetName : sourceName}</td>
                  <td>{l.slot}</td>
                  <td>
                    {l.enabled ? 'enabled' : 'disabled'}, slot{' '}
                    {l.slotActive ? 'active' : 'inactive'}
                  </td>
                  <td className="num">{l.lagBytes === null ? '—' : formatBytes(l.lagBytes)}</td>
                  <td className="num">
                    {l.replayLagSeconds === null ? '—' : formatSeconds(l.replayLagSeconds)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel section" aria-labelledby="diff-title">
        <h2 id="diff-title">Schema differences ({c.differences.length})</h2>
        {c.differences.length === 0 ? (
          <EmptyState title="The schemas match">
            Tables, columns and types, indexes, constraints, sequences and extensions are the same.
          </EmptyState>
        ) : (
          <table className="data" aria-label="Schema differences">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Name</th>
                <th>{sourceName}</th>
                <th>{targetName}</th>
              </tr>
            </thead>
            <tbody>
              {c.differences.map((d) => (
                <tr key={`${d.kind} ${d.name}`}>
                  <td>{d.kind}</td>
                  <td>
                    <code>{d.name}</code>
                  </td>
                  <td>{d.source ?? <span className="muted">missing</span>}</td>
                  <td>{d.target ?? <span className="muted">missing</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel section" aria-labelledby="seq-title">
        <h2 id="seq-title">Sequences behind on the target ({c.sequencesBehind.length})</h2>
        {c.sequencesBehind.length === 0 ? (
          <EmptyState title="No sequence is behind">
            Every sequence of the source is at least as far on the target.
          </EmptyState>
        ) : (
          <>
            <table className="data" aria-label="Sequences behind">
              <thead>
                <tr>
                  <th>Sequence</th>
                  <th className="num">{sourceName}</th>
                  <th className="num">{targetName}</th>
                </tr>
              </thead>
              <tbody>
                {c.sequencesBehind.map((s) => (
                  <tr key={s.name}>
                    <td>
                      <code>{s.name}</code>
                    </td>
                    <td className="num">{count(s.source)}</td>
                    <td className="num">{count(s.target)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <pre className="fix-sql">
              <code>{behindSql}</code>
            </pre>
            <CopyButton text={behindSql} label="Copy setval SQL (run on the target)" />
          </>
        )}
      </section>
      <section className="panel section" aria-labelledby="rows-title">
        <h2 id="rows-title">Rows per table{exact ? '' : ' (estimates)'}</h2>
        <table className="data" aria-label="Rows per table">
          <thead>
            <tr>
              <th>Table</th>
              <th className="num">{sourceName} (estimate)</th>
              <th className="num">{targetName} (estimate)</th>
              {exact ? (
                <>
                  <th className="num">{sourceName} (exact)</th>
                  <th className="num">{targetName} (exact)</th>
                </>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {c.rows.map((r) => (
              <tr key={r.table}>
                <td>
                  <code>{r.table}</code>
                </td>
                <td className="num">{count(r.sourceEstimate)}</td>
                <td className="num">{count(r.targetEstimate)}</td>
                {exact ? (
                  <>
                    <td className="num">{count(r.sourceExact)}</td>
                    <td className="num">{count(r.targetExact)}</td>
                  </>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
