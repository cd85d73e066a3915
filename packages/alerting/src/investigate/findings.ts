import type { SessionRow } from '@pgvigil/db/alerting';
import type { BlockingChain, MetricShift, StatementShift, TimelineEntry } from './types';

/** A setting that changed in the window (from the change-tracked settings probe). */
export interface SettingMove {
  name: string;
  before: string | null;
  after: string | null;
  unit: string | null;
  /** the change happened between these two snapshots */
  previousAt: Date;
  seenAt: Date;
}

/** Everything the detectors judge: read once, then pure. */
export interface Findings {
  ruleKey: string;
  start: Date;
  settings: SettingMove[];
  timeline: TimelineEntry[];
  metrics: MetricShift[];
  statements: StatementShift[];
  /** seconds of the baseline the statements probe's runs covered */
  statementBaselineSeconds: number;
  blocking: BlockingChain[];
  sessions: { at: SessionRow[]; baseline: SessionRow[] };
  links: Links;
}

export interface Links {
  chart(chart: import('@pgvigil/schema').ChartId): string;
  query(queryId: string): string;
  setting(name: string): string;
  session(pid: number): string;
}

/** A statement's text on one line, cut to `max` characters. */
export function shortQuery(q: string | null, max = 60): string {
  const one = (q ?? '').replace(/\s+/g, ' ').trim();
  if (!one) return '(query text unknown)';
  return one.length > max ? `${one.slice(0, max - 4).trimEnd()} ...` : one;
}

/** `10:42 UTC`: times in one-line causes. */
export const hhmm = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;
