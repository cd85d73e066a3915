import type { RuleKind, RuleUnit, Severity } from '@pgvigil/schema';
import type { Aggregation, Operator, Sample } from '../core';

export const RULE_CATEGORIES = [
  'availability',
  'connections',
  'queries',
  'locks',
  'throughput',
  'replication',
  'wraparound',
  'wal',
  'vacuum',
  'schema',
  'storage',
  'os',
  'pgvigil',
] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

/** One stored row of a probe, as the alerter reads it: values by column name. */
export interface SourceRow {
  at: Date;
  values: Record<string, unknown>;
}

/** A rule's parameter values by name (catalog default, global value or override). */
export type ParamValues = Readonly<Record<string, number>>;

/**
 * Turns one series of probe rows (one server / database / object) into samples,
 * with the rule's effective parameters (every declared one is present).
 */
export type Derive = ((rows: readonly SourceRow[], params: ParamValues) => Sample[]) & {
  /**
   * Each sample comes from its row alone (`perRow`): a rule judging the latest value
   * then needs only the newest row of each series, which is all the alerter reads.
   */
  readonly perRow?: true;
};

/**
 * A number a rule's derive reads besides its thresholds (a minimum size under
 * which the rule does not judge): tuned globally and by overrides like them.
 */
export interface RuleParam {
  label: string;
  default: number;
  unit: RuleUnit;
  min: number;
}

export interface RuleSource {
  /** probe name: the table metrics.<probe> */
  probe: string;
  /** probe columns the rule reads */
  columns: readonly string[];
  /** columns naming the object (table, slot, standby...); one alert per object */
  objectKeys?: readonly string[];
  derive: Derive;
  /**
   * The probe writes no row when all is well (blocked sessions): a series that
   * disappears has cleared, rather than lost its data, while the collector runs.
   */
  absentIsClear?: boolean;
  /**
   * The probe column saying why a row's value was not observed (hidden from the monitoring
   * role, with the GRANT or helper that shows it). Such an object is not evaluated; the rule
   * reports it as unavailable instead.
   */
  unavailableColumn?: string;
  /**
   * The derive also reads this many seconds of the probe's hourly rollups before its
   * window (its seasonal baseline), as rows of their hour: only the window is read raw.
   * For a probe whose rollups sum deltas (statements), an hour's row is its sum.
   */
  hourlyHistorySeconds?: number;
}

export interface RuleDefinition {
  key: string;
  name: string;
  kind: RuleKind;
  category: RuleCategory;
  source: RuleSource;
  aggregation: Aggregation;
  windowSeconds: number;
  operator: Operator;
  warning: number | null;
  critical: number | null;
  forSeconds: number;
  unit: RuleUnit;
  /** parameters of the derive, by name */
  params?: Readonly<Record<string, RuleParam>>;
  /** what the number means and why it matters */
  explanation: string;
  /** what to do when it fires */
  runbook: string;
  /** kind 'forecast': the limit the trend is projected to, and the window fitted */
  forecast?: { limitColumn?: string; limit?: number; windowDays: number };
  /**
   * kind 'anomaly': the baseline sensitivity in robust standard deviations, the
   * metric's own unit (for the expected band in messages), and its value from one
   * rollup row (counters there are already per-second rates, gauges averages).
   */
  anomaly?: {
    sensitivity: number;
    metricUnit: RuleUnit;
    fromRollup: (values: (name: string) => number | null) => number | null;
    /** smallest spread in the metric's unit (a standby a few KB behind is no anomaly) */
    floor?: number;
  };
  /**
   * The page that shows what fired better than the alerts list (a plan diff), as a path
   * from the series' server and object; notifications about one alert link there.
   */
  link?: (where: { serverId: number; object: string | null }) => string | null;
  /**
   * What the newest rows themselves say, one line for the alert's message (a deadlock's
   * statements from the server log); null when they say nothing more than the value.
   */
  excerpt?: (rows: readonly SourceRow[]) => string | null;
  /** starts disabled (needs an extension or OS metrics, or a site-specific limit) */
  enabledByDefault?: boolean;
  /**
   * A standby's rule about its link to its primary, or a cluster's rule about its
   * primary: held, not sent, while a primary of its cluster is down (suppression by
   * dependency, cycle/dependency.ts).
   */
  followsUpstream?: true;
  defaultSeverity?: Severity;
}
