import type { AlertState, Severity } from '@pgvigil/schema';
import { evaluate, INITIAL_STATUS, isOpen, step, type AlertStatus, type Tuning } from '../core';
import { paramValues, type RuleDefinition } from '../rules';
import { conditionOf, type Series } from './observe';

export interface PreviewEvent {
  at: Date;
  state: AlertState;
  severity: Severity | null;
  value: number | null;
}
export interface PreviewSeries {
  serverId: number | null;
  database: string | null;
  object: string | null;
  /** times it went to firing */
  fired: number;
  firingSeconds: number;
  /** worst value seen while in breach, if any */
  peak: number | null;
  events: PreviewEvent[];
}
export interface Preview {
  from: Date;
  to: Date;
  stepSeconds: number;
  /** series evaluated */
  instances: number;
  /** series that fired at least once */
  firing: number;
  /** the series that changed state, most-fired first, at most `limit` */
  series: PreviewSeries[];
}

export interface PreviewOptions {
  from: Date;
  to: Date;
  stepSeconds: number;
  staleSeconds: number;
  limit?: number;
}

/**
 * What a rule would have done over stored samples: the same condition and the same
 * lifecycle as the loop, replayed every `stepSeconds` from `from` to `to` (no
 * blackouts, no notifications). Pure: the caller reads the rows.
 */
export function previewRule(
  def: RuleDefinition,
  tuning: Tuning,
  series: readonly Series[],
  o: PreviewOptions,
): Preview {
  const condition = conditionOf(def, tuning, o.staleSeconds);
  const keep = (condition.windowSeconds + o.staleSeconds) * 1000;
  const out: PreviewSeries[] = [];
  for (const s of series) {
    const samples = def.source.derive(s.rows, paramValues(def, tuning.params));
    const result: PreviewSeries = {
      ...pick(s),
      fired: 0,
      firingSeconds: 0,
      peak: null,
      events: [],
    };
    let status: AlertStatus = INITIAL_STATUS;
    let lo = 0;
    let hi = 0;
    for (let t = o.from.getTime(); t <= o.to.getTime(); t += o.stepSeconds * 1000) {
      // a sliding slice keeps each evaluation proportional to the window, not the day
      while (hi < samples.length && samples[hi]!.at.getTime() <= t) hi++;
      while (lo < hi && samples[lo]!.at.getTime() <= t - keep) lo++;
      const at = new Date(t);
      const active = isOpen(status.state) && status.state !== 'pending' ? status.severity : null;
      const obs = evaluate(condition, samples.slice(lo, hi), at, active);
      if (obs.kind === 'breach' && (result.peak === null || worse(def, obs.value, result.peak)))
        result.peak = obs.value;
      const r = step(status, obs, {
        at,
        forSeconds: tuning.forSeconds,
        silenced: false,
        reminderSeconds: 0,
      });
      if (r.transition) {
        if (r.transition.to === 'firing' && r.transition.from !== 'firing') result.fired++;
        result.events.push({
          at,
          state: r.transition.to,
          severity: r.status.severity,
          value: obs.kind === 'missing' ? null : obs.value,
        });
      }
      if (r.status.state === 'firing') result.firingSeconds += o.stepSeconds;
      status = r.status;
    }
    out.push(result);
  }
  const changed = out.filter((s) => s.events.length > 0);
  changed.sort((a, b) => b.fired - a.fired || b.firingSeconds - a.firingSeconds);
  return {
    from: o.from,
    to: o.to,
    stepSeconds: o.stepSeconds,
    instances: series.length,
    firing: out.filter((s) => s.fired > 0).length,
    series: changed.slice(0, o.limit ?? 50),
  };
}

const pick = (s: Series) => ({ serverId: s.serverId, database: s.database, object: s.object });
const worse = (def: RuleDefinition, a: number, b: number) =>
  def.operator === '<' || def.operator === '<=' ? a < b : a > b;
