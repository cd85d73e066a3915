import type { Queryable } from '@pgvigil/db';
import {
  getAlert,
  readAlertServer,
  readBlocking,
  readSessionSamples,
  readStatementWindows,
} from '@pgvigil/db/alerting';
import type { ChartId } from '@pgvigil/schema';
import { blockingChains } from './blocking';
import type { Findings, Links } from './findings';
import { readMetricShifts } from './metrics';
import { rankCauses } from './rank';
import { statementShifts } from './statements';
import { readTimeline } from './timeline';
import type { Investigation, TimelineEntry } from './types';

const MINUTE = 60_000;
/** The timeline and the baseline reach this far back before the alert's start. */
export const LOOKBACK_MINUTES = 60;
/** "Around the start" ends this long after it at the latest. */
export const AFTER_MINUTES = 15;
/** Samples this close before the start already count as "after" (a counter's interval ends there). */
const LEAD_MS = 30_000;

/**
 * Why did this alert fire? Reads what the datastore holds about its server from an
 * hour before the start (timeline, metric shifts against their own baseline,
 * statements, blocking chains, sessions) and ranks likely causes with named,
 * deterministic detectors. `now` bounds the window; no LLM, no wall clock.
 * Links are paths of the dashboard (prefix them with the base URL for a message).
 */
export async function investigateAlert(
  db: Queryable,
  alertId: number,
  now: Date,
): Promise<Investigation> {
  const alert = await getAlert(db, alertId);
  const start = alert.started_at;
  const from = new Date(start.getTime() - LOOKBACK_MINUTES * MINUTE);
  const end = Math.min(
    now.getTime(),
    alert.resolved_at?.getTime() ?? Infinity,
    start.getTime() + AFTER_MINUTES * MINUTE,
  );
  const to = new Date(Math.max(end, start.getTime()));
  const baselineTo = new Date(start.getTime() - LEAD_MS);
  const window = { from, start, to, baselineTo };
  const base = {
    alert: {
      id: alert.id,
      ruleKey: alert.rule_key,
      ruleName: alert.rule_name,
      serverId: alert.server_id,
      serverName: alert.server_name,
      message: alert.message,
      startedAt: start,
    },
    window,
    href: `/alerts/${alert.id}#investigation`,
  };
  const server = alert.server_id === null ? null : await readAlertServer(db, alert.server_id);
  if (!server) {
    return {
      ...base,
      timeline: [],
      metrics: [],
      statements: [],
      blocking: [],
      waits: [],
      causes: [],
    };
  }
  const range = new URLSearchParams({
    from: from.toISOString(),
    to: new Date(Math.max(to.getTime(), start.getTime() + 5 * MINUTE)).toISOString(),
  }).toString();
  const serverHref = (id: number, anchor: string) =>
    `/servers/${id}?${range}${anchor ? `#${anchor}` : ''}`;
  const links: Links = {
    chart: (chart: ChartId) => serverHref(server.id, `chart-${chart}`),
    query: (id) => `/servers/${server.id}/queries/${encodeURIComponent(id)}?${range}`,
    setting: () => serverHref(server.id, 'settings-title'),
    session: () => serverHref(server.id, 'blocking-title'),
  };
  // one read after the other: `db` may be a transaction's single connection (the alerter)
  const timeline = await readTimeline(db, { server, alertId, from, to, serverHref });
  const shifts = await readMetricShifts(db, {
    serverId: server.id,
    from,
    baselineTo,
    afterFrom: baselineTo,
    to,
    chartHref: links.chart,
  });
  const statementWindows = await readStatementWindows(db, {
    serverId: server.id,
    before: { from, to: baselineTo },
    after: { from: baselineTo, to },
  });
  const blockingRows = await readBlocking(db, {
    serverId: server.id,
    from: new Date(start.getTime() - 10 * MINUTE),
    to,
  });
  const sessions = await readSessionSamples(db, {
    serverId: server.id,
    at: to,
    baselineAt: baselineTo,
    since: from,
  });
  const statements = statementShifts(statementWindows.rows, links.query, Infinity);
  const blocking = blockingChains(blockingRows);
  const findings: Findings = {
    ruleKey: alert.rule_key,
    start,
    settings: timeline.settings,
    timeline: timeline.entries,
    metrics: shifts.shifts,
    statements,
    statementBaselineSeconds: statementWindows.baselineSeconds,
    blocking,
    sessions,
    links,
  };
  const started: TimelineEntry = {
    at: start,
    kind: 'start',
    serverName: null,
    text: `${alert.rule_name} started`,
    href: null,
  };
  return {
    ...base,
    timeline: [...timeline.entries, started].sort((a, b) => a.at.getTime() - b.at.getTime()),
    metrics: shifts.shifts.slice(0, 12),
    statements: statements.slice(0, 10),
    blocking,
    waits: shifts.waits,
    causes: rankCauses(findings),
  };
}

/** The top cause in one line for a notification, or null when nothing stands out. */
export function likelyLine(i: Investigation): string | null {
  const top = i.causes[0];
  return top ? `Likely: ${top.summary}` : null;
}
