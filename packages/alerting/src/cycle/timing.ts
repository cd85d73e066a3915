import type { RouteRow } from '@pgvigil/db/alerting';
import type { NotificationPayload } from '../notify/payload';
import { severityRank, type NotifyKind } from '../core';
import { groupLink, groupTitle } from './notifications';

/** A route's Alertmanager-style timing; null fields are the alerter's defaults. */
export type RouteTiming = Pick<
  RouteRow,
  'group_wait_seconds' | 'group_interval_seconds' | 'repeat_interval_seconds'
>;

export interface GroupTiming {
  /** the first message of a new group waits this long to collect more */
  waitSeconds: number;
  /** a group's next message goes out no sooner than this after its last */
  intervalSeconds: number;
}

const firstSet = <K extends keyof RouteTiming>(routes: readonly RouteTiming[], k: K) =>
  routes.find((r) => r[k] !== null)?.[k] ?? null;

/**
 * The timing of a message taking `routes` (in order): each value from the first route
 * that sets it, as a route's escalation policy is. None: sent at once, as before routes
 * had timing.
 */
export function groupTiming(routes: readonly RouteTiming[]): GroupTiming | null {
  const wait = firstSet(routes, 'group_wait_seconds') ?? 0;
  const interval = firstSet(routes, 'group_interval_seconds') ?? 0;
  return wait > 0 || interval > 0 ? { waitSeconds: wait, intervalSeconds: interval } : null;
}

/** Seconds between reminders of an alert taking `routes`: the first route's that sets one. */
export function repeatSeconds(routes: readonly RouteTiming[], fallback: number): number {
  return firstSet(routes, 'repeat_interval_seconds') ?? fallback;
}

/**
 * When a group's message is due. Within `interval` of the group's last message it is an
 * update, due when the interval has passed; otherwise it starts a group again and waits
 * `wait` for more alerts to join it.
 */
export function groupDueAt(t: GroupTiming, at: Date, lastAt: Date | null): Date {
  const next = lastAt ? lastAt.getTime() + t.intervalSeconds * 1000 : -Infinity;
  if (next > at.getTime()) return new Date(next);
  return new Date(at.getTime() + t.waitSeconds * 1000);
}

/**
 * A waiting message of a group takes in a later one: the items of both (a later item for
 * the same alert replaces the earlier), the higher severity, a title counting them all,
 * and a link to the alerts list once it is about several.
 */
export function joinPayloads(
  waiting: NotificationPayload,
  later: NotificationPayload,
  baseUrl: string,
): NotificationPayload {
  const key = (i: NotificationPayload['items'][number]) =>
    i.alertId === null ? `${i.database}\u0000${i.object}` : `#${i.alertId}`;
  const laterKeys = new Set(later.items.map(key));
  const items = [...waiting.items.filter((i) => !laterKeys.has(key(i))), ...later.items];
  const severity =
    severityRank(later.severity) > severityRank(waiting.severity)
      ? later.severity
      : waiting.severity;
  const rule = later.rule ?? { key: '', name: '', runbook: '' };
  return {
    ...later,
    items,
    severity,
    // only firing and resolved messages wait for their group (see buildNotifications)
    title: groupTitle(later.kind as NotifyKind, rule, later.server, items.length),
    link: items.length > 1 ? groupLink(baseUrl, rule.key, later.server?.id ?? null) : later.link,
    likely: later.likely ?? waiting.likely ?? null,
  };
}
