'use client';

import { useState } from 'react';
import type { backtestRule, WireOf } from '@/contract';
import { api } from '@/components/admin/api';
import { withUnit } from './format';

type BacktestResponse = WireOf<typeof backtestRule>;
type Episode = BacktestResponse['backtest']['episodes'][number];

const LANES = 12;
const WIDTH = 720;
const LANE = 14;
const COLOR: Record<string, string> = {
  critical: 'var(--critical, #c0392b)',
  warning: 'var(--warning, #d68910)',
  info: 'var(--info, #2e86c1)',
};

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);
const seriesOf = (e: Episode, names: Record<string, string>) =>
  [
    e.serverId === null ? 'pgvigil' : (names[e.serverId] ?? `server ${e.serverId}`),
    e.database,
    e.object,
  ]
    .filter(Boolean)
    .join(' / ');

/**
 * "Backtest" on a rule: what it would have fired over the last days with the levels
 * in the row's inputs (saved or not), its overrides and the blackouts, as a timeline.
 */
export function RuleBacktest({
  ruleId,
  unit,
  levels,
}: {
  ruleId: number;
  unit: string;
  /** the row's inputs: tried without saving */
  levels: {
    warning: number | null;
    critical: number | null;
    forSeconds: number;
    params?: Record<string, number>;
  };
}) {
  const [days, setDays] = useState('7');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<BacktestResponse | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    const r = await api<BacktestResponse>('POST', `/rules/${ruleId}/backtest`, {
      days: Number(days),
      ...levels,
    });
    setBusy(false);
    if (r.ok) setResult(r.data);
    else setError(r.error.message);
  }

  return (
    <section aria-label="Backtest" className="panel">
      <div className="inline-form">
        <label>
          Days{' '}
          <input
            aria-label="backtest days"
            size={3}
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </label>
        <button className="btn" type="button" disabled={busy} onClick={() => void run()}>
          {busy ? 'Replaying…' : 'Backtest'}
        </button>
        <span className="muted">
          with the levels above (saved or not), the overrides and the blackouts
        </span>
      </div>
      {error ? (
        <p className="notice" role="alert">
          {error}
        </p>
      ) : null}
      {result ? <Timeline result={result} unit={unit} /> : null}
    </section>
  );
}

function Timeline({ result, unit }: { result: BacktestResponse; unit: string }) {
  const { backtest, serverNames } = result;
  const from = new Date(backtest.from).getTime();
  const span = Math.max(1, new Date(backtest.to).getTime() - from);
  const x = (iso: string | null) =>
    ((Math.min(iso ? new Date(iso).getTime() : from + span, from + span) - from) / span) * WIDTH;
  const lanes = [...new Set(backtest.episodes.map((e) => seriesOf(e, serverNames)))].slice(
    0,
    LANES,
  );
  const fired = backtest.episodes.filter((e) => !e.silenced).length;
  return (
    <div data-testid="backtest-result">
      <p role="status">
        {backtest.episodeCount === 0
          ? `Would not have fired on any of ${backtest.instances} series in ${backtest.perDay.length} days.`
          : `${backtest.episodeCount} episode(s) on ${new Set(backtest.episodes.map((e) => seriesOf(e, serverNames))).size} of ${backtest.instances} series` +
            (fired < backtest.episodes.length
              ? `, ${backtest.episodes.length - fired} held in a blackout`
              : '')}
        .
      </p>
      <p className="muted" aria-label="Episodes per day">
        {backtest.perDay.map((d) => `${d.day.slice(5)}: ${d.count}`).join(' · ')}
      </p>
      {lanes.length ? (
        <svg
          role="img"
          aria-label="Timeline of episodes"
          width="100%"
          viewBox={`0 0 ${WIDTH} ${lanes.length * LANE}`}
          preserveAspectRatio="none"
        >
          {backtest.episodes.map((e, i) => {
            const lane = lanes.indexOf(seriesOf(e, serverNames));
            if (lane < 0) return null;
            return (
              <rect
                key={i}
                x={x(e.start)}
                y={lane * LANE + 2}
                width={Math.max(2, x(e.end) - x(e.start))}
                height={LANE - 4}
                fill={COLOR[e.severity] ?? 'gray'}
                opacity={e.silenced ? 0.35 : 1}
              >
                <title>
                  {`${seriesOf(e, serverNames)}: ${e.severity} ${when(e.start)} → ${e.end ? when(e.end) : 'still open'}, peak ${withUnit(e.peak, unit)}`}
                </title>
              </rect>
            );
          })}
        </svg>
      ) : null}
      {backtest.episodes.length ? (
        <table className="table" aria-label="Episodes">
          <thead>
            <tr>
              <th>Series</th>
              <th>Start (UTC)</th>
              <th>End (UTC)</th>
              <th>Peak</th>
              <th>Severity</th>
            </tr>
          </thead>
          <tbody>
            {backtest.episodes
              .slice(-20)
              .reverse()
              .map((e, i) => (
                <tr key={i}>
                  <td>{seriesOf(e, serverNames)}</td>
                  <td>{when(e.start)}</td>
                  <td>{e.end ? when(e.end) : 'open'}</td>
                  <td>{withUnit(e.peak, unit)}</td>
                  <td>
                    {e.severity}
                    {e.silenced ? ' (blackout)' : ''}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
