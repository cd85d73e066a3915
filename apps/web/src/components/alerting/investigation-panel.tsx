import { fmt, formatValue } from '@pgvigil/schema';
import type { InvestigationView } from '@/contract';
import { EmptyState } from '@/components/shell/states';

const time = (d: Date) => d.toISOString().slice(11, 19);

/**
 * Why an alert fired, as the investigation found it: likely causes (each with its
 * score, reasons and evidence links), the timeline from an hour before, the metrics
 * and statements that moved most, blocking chains and wait-event shifts.
 */
export function InvestigationPanel({ investigation: i }: { investigation: InvestigationView }) {
  return (
    <section className="section panel" aria-labelledby="investigation-title" id="investigation">
      <h2 id="investigation-title">Investigation</h2>
      <p className="muted">
        Compared: {time(i.window.from)} to {time(i.window.baselineTo)} (baseline) against{' '}
        {time(i.window.baselineTo)} to {time(i.window.to)} UTC. Deterministic detectors, no LLM.
      </p>
      <h3>Likely causes</h3>
      {i.causes.length === 0 ? (
        <EmptyState title="No likely cause found">
          No detector found a lock pile-up, a checkpoint storm, a connection leak, a setting change,
          a runaway or slower statement, a restart, a failover, DDL or a deploy marker around the
          start.
        </EmptyState>
      ) : (
        <ol className="causes" data-testid="causes">
          {i.causes.map((c) => (
            <li key={c.detector} data-detector={c.detector}>
              <strong>{c.title}</strong> <span className="badge">{c.score.toFixed(2)}</span>{' '}
              <span>{c.summary}</span>
              <ul className="muted">
                {c.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
              <ul className="evidence">
                {c.evidence.map((e) => (
                  <li key={`${e.kind}:${e.label}`}>
                    {e.href ? (
                      <a href={e.href} data-evidence={e.kind}>
                        {e.label}
                      </a>
                    ) : (
                      e.label
                    )}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
      <h3>Timeline</h3>
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>What</th>
              <th>Event</th>
            </tr>
          </thead>
          <tbody>
            {i.timeline.map((e, k) => (
              <tr key={k} data-kind={e.kind}>
                <td>{time(e.at)}</td>
                <td>{e.kind}</td>
                <td>
                  {e.serverName ? `${e.serverName}: ` : ''}
                  {e.href ? <a href={e.href}>{e.text}</a> : e.text}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Metrics that moved most</h3>
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              <th>Metric</th>
              <th>Baseline (median)</th>
              <th>Since the start</th>
              <th>Shift (robust σ)</th>
            </tr>
          </thead>
          <tbody>
            {i.metrics
              .filter((m) => Math.abs(m.score) >= 1)
              .map((m) => (
                <tr key={m.metric}>
                  <td>
                    <a href={m.href}>{m.label}</a>
                  </td>
                  <td>{formatValue(m.baselineMedian, m.unit)}</td>
                  <td>{formatValue(m.current, m.unit)}</td>
                  <td>{fmt(m.score)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      <h3>Statements that changed most</h3>
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              <th>Statement</th>
              <th>Time (ms/s) before → after</th>
              <th>Calls/s</th>
              <th>Blocks/s</th>
              <th>Temp blocks/s</th>
            </tr>
          </thead>
          <tbody>
            {i.statements.map((s) => (
              <tr key={s.queryId}>
                <td>
                  <a href={s.href} title={s.query ?? undefined}>
                    {(s.query ?? s.queryId).slice(0, 80)}
                  </a>
                </td>
                <td>
                  {fmt(s.before.timeMs)} → {fmt(s.after.timeMs)}
                </td>
                <td>
                  {fmt(s.before.calls)} → {fmt(s.after.calls)}
                </td>
                <td>
                  {fmt(s.before.blocks)} → {fmt(s.after.blocks)}
                </td>
                <td>
                  {fmt(s.before.tempBlocks)} → {fmt(s.after.tempBlocks)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Blocking and waits</h3>
      {i.blocking.length === 0 ? (
        <p className="muted">No session was blocked around the start.</p>
      ) : (
        <ul>
          {i.blocking.map((b) => (
            <li key={b.rootPid}>
              pid {b.rootPid} ({b.rootState ?? 'state unknown'}) blocked {b.blocked} session(s), up
              to {formatValue(b.longestSeconds, 'seconds')}, from {time(b.firstSeen)} to{' '}
              {time(b.lastSeen)}: <code>{(b.rootQuery ?? '').slice(0, 120)}</code>
            </li>
          ))}
        </ul>
      )}
      <ul>
        {i.waits
          .filter((w) => w.before !== w.after)
          .map((w) => (
            <li key={w.waitEventType}>
              waiting on {w.waitEventType}: {fmt(w.before)} → {fmt(w.after)} sessions
            </li>
          ))}
      </ul>
    </section>
  );
}
