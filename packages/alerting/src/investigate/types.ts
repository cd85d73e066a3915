import type { ChartId, RuleUnit } from '@pgvigil/schema';

/** What a cause cites: a chart over a window, a statement, a setting, a session, an event. */
export type Evidence =
  | { kind: 'chart'; label: string; chart: ChartId; href: string }
  | { kind: 'query'; label: string; queryId: string; href: string }
  | { kind: 'setting'; label: string; setting: string; href: string }
  | { kind: 'session'; label: string; pid: number; href: string }
  | { kind: 'event'; label: string; href: string | null };

export const TIMELINE_KINDS = [
  'restart',
  'failover',
  'setting',
  'ddl',
  'alert',
  'event',
  'start',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  at: Date;
  kind: TimelineKind;
  /** a server of the cluster other than the alert's, when the entry is about it */
  serverName: string | null;
  text: string;
  href: string | null;
}

/** One metric's move around the alert's start against its own recent baseline. */
export interface MetricShift {
  metric: string;
  label: string;
  unit: RuleUnit;
  chart: ChartId;
  baselineMedian: number;
  baselineMad: number;
  current: number;
  /** (current - median) / max(1.4826 MAD, floors): robust standard deviations off */
  score: number;
  href: string;
}

export interface StatementShift {
  queryId: string;
  query: string | null;
  before: {
    calls: number;
    timeMs: number;
    meanMs: number | null;
    blocks: number;
    tempBlocks: number;
    walBytes: number;
  };
  after: {
    calls: number;
    timeMs: number;
    meanMs: number | null;
    blocks: number;
    tempBlocks: number;
    walBytes: number;
  };
  /** the largest of the changes in time, calls and I/O, each as a share of the server's total */
  change: number;
  href: string;
}

export interface BlockingChain {
  rootPid: number;
  rootState: string | null;
  rootQuery: string | null;
  /** every session waiting behind the root, directly or not */
  blocked: number;
  /** the longest wait seen behind it */
  longestSeconds: number;
  firstSeen: Date;
  lastSeen: Date;
}

export interface WaitShift {
  waitEventType: string;
  before: number;
  after: number;
}

export interface Cause {
  /** the detector's name: stable, for tests and for the reader */
  detector: string;
  title: string;
  /** one line: what, where, since when ("lock pile-up behind pid 4242 ...") */
  summary: string;
  /** 0..1; ties keep the detectors' order */
  score: number;
  /** how the score was made, one reason per line */
  reasons: string[];
  evidence: Evidence[];
}

export interface Investigation {
  alert: {
    id: number;
    ruleKey: string;
    ruleName: string;
    serverId: number | null;
    serverName: string | null;
    message: string;
    startedAt: Date;
  };
  /** the windows compared: baseline before the start, and around the start */
  window: { from: Date; start: Date; to: Date; baselineTo: Date };
  timeline: TimelineEntry[];
  metrics: MetricShift[];
  statements: StatementShift[];
  blocking: BlockingChain[];
  waits: WaitShift[];
  causes: Cause[];
  /** where the panel is: `/alerts/{id}#investigation` */
  href: string;
}
