import type { RuleKind, Severity } from '@pgvigil/schema';
import type { ChannelRow, RouteRow } from '@pgvigil/db/alerting';
import { atLeast } from '../core';

/** What a route can match an alert (or a group of alerts) on. */
export interface AlertLabels {
  severity: Severity;
  rule: string;
  ruleKind: RuleKind;
  environment: string | null;
  clusterId: number | null;
  serverTags: readonly string[];
}

type Route = Pick<
  RouteRow,
  | 'id'
  | 'name'
  | 'match'
  | 'channel_ids'
  | 'continue'
  | 'enabled'
  | 'escalation_id'
  | 'group_wait_seconds'
  | 'group_interval_seconds'
  | 'repeat_interval_seconds'
>;

const within = <T>(list: readonly T[] | undefined, v: T | null) =>
  !list?.length || (v !== null && list.includes(v));

export function routeMatches(route: Route, l: AlertLabels): boolean {
  const m = route.match;
  return (
    route.enabled &&
    within(m.environments as readonly string[] | undefined, l.environment) &&
    within(m.clusterIds, l.clusterId) &&
    within(m.severities, l.severity) &&
    within(m.rules, l.rule) &&
    within(m.ruleKinds, l.ruleKind) &&
    (m.serverTags ?? []).every((t) => l.serverTags.includes(t))
  );
}

export interface Routing {
  /** the routes taken, in order; empty: the default route */
  routes: Route[];
  channels: ChannelRow[];
  /** the escalation policy of the first route taken that names one */
  escalationId: number | null;
}

/**
 * The routes an alert takes: tried in order, the first match ends the search unless it
 * says `continue`. None matching (or none defined) is the default route: every enabled
 * channel whose minimum severity and cluster/environment filters accept the alert.
 * A matched route sends to its channels (enabled, still present) whatever their filters.
 */
export function routeAlert(
  routes: readonly Route[],
  channels: readonly ChannelRow[],
  l: AlertLabels,
): Routing {
  const taken: Route[] = [];
  for (const r of routes) {
    if (!routeMatches(r, l)) continue;
    taken.push(r);
    if (!r.continue) break;
  }
  if (taken.length === 0) {
    return {
      routes: [],
      channels: channels.filter((c) => defaultAccepts(c, l)),
      escalationId: null,
    };
  }
  const ids = new Set(taken.flatMap((r) => r.channel_ids));
  return {
    routes: taken,
    channels: channels.filter((c) => c.enabled && ids.has(c.id)),
    escalationId: taken.find((r) => r.escalation_id !== null)?.escalation_id ?? null,
  };
}

function defaultAccepts(c: ChannelRow, l: AlertLabels): boolean {
  if (!c.enabled || !atLeast(l.severity, c.min_severity)) return false;
  const clusters = c.filters.clusterIds ?? [];
  const envs = c.filters.environments ?? [];
  if (clusters.length && !(l.clusterId !== null && clusters.includes(l.clusterId))) return false;
  if (envs.length && !(l.environment !== null && envs.includes(l.environment))) return false;
  return true;
}
