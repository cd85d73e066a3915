import { createHash } from 'node:crypto';
import type { Severity } from '@pgvigil/schema';
import type { ChannelRow, NotificationKind, RouteRow } from '@pgvigil/db/alerting';
import { severityRank, type NotifyKind } from '../core';
import { firstEscalation, reachedChannels, stepLabel, type EscalationPolicy } from './escalation';
import { routeAlert } from './routing';
import { groupTiming, type GroupTiming } from './timing';
import type { NotificationPayload } from '../notify/payload';
import type { RuleKind, RuleUnit } from '@pgvigil/schema';

export interface NotifyItem {
  kind: NotifyKind;
  fingerprint: string;
  severity: Severity;
  rule: { key: string; name: string; runbook: string };
  /** what routes match on besides the rule's key (absent: builtin) */
  ruleKind?: RuleKind;
  /** the escalation step the alert reached (a resolve goes to every channel notified) */
  escalationStep?: number | null;
  server: {
    id: number;
    name: string;
    clusterId: number | null;
    environment: string;
    tags?: readonly string[];
  } | null;
  database: string | null;
  object: string | null;
  value: number | null;
  threshold: number | null;
  unit: RuleUnit;
  message: string;
  since: Date | null;
  /** the rule's own page for this alert (a path), used when a message is about it alone */
  href?: string | null;
  /** a cluster-wide incident (cluster-incident.ts): one message for the cluster, this title */
  cluster?: { id: number; summary: string };
}

export interface PendingNotification {
  channelId: number;
  dedupeKey: string;
  kind: NotificationKind;
  fingerprints: string[];
  /** fingerprint of each payload item, in order */
  itemFingerprints: string[];
  payload: NotificationPayload;
  /** a firing message on a route with an escalation policy: its alerts start the policy */
  escalation?: { policyId: number; nextAt: Date | null; reason: string };
  /**
   * a firing or resolved message on a route with a group wait or interval: held in the
   * outbox until due, taking in later messages of its group (rule and server) meanwhile
   */
  group?: { key: string; timing: GroupTiming };
}

const TITLES: Record<NotifyKind, string> = {
  firing: 'firing',
  escalated: 'escalated',
  reminder: 'still firing',
  resolved: 'resolved',
};

/** "Connections used on pg1 (3) firing": the title of a group's message. */
export const groupTitle = (
  kind: NotifyKind,
  rule: { name: string },
  server: { name: string } | null,
  count: number,
) =>
  `${rule.name}${server ? ` on ${server.name}` : ''}${count > 1 ? ` (${count})` : ''} ${TITLES[kind]}`;

/** The alerts list of a rule (on a server): where a message about several alerts links. */
export const groupLink = (baseUrl: string, ruleKey: string, serverId: number | null) => {
  const query = new URLSearchParams({ rule: ruleKey });
  if (serverId !== null) query.set('server', String(serverId));
  return `${baseUrl.replace(/\/$/, '')}/alerts?${query.toString()}`;
};

/**
 * A burst (50 tables crossing one rule on one server in one cycle) becomes one
 * message per channel listing them all: grouped by kind, rule and server. Each group
 * goes to the channels of the routes it takes (routing.ts).
 */
export function buildNotifications(
  items: readonly NotifyItem[],
  channels: readonly ChannelRow[],
  at: Date,
  baseUrl: string,
  routes: readonly RouteRow[] = [],
  policies: ReadonlyMap<number, EscalationPolicy> = new Map(),
): PendingNotification[] {
  const groups = new Map<string, NotifyItem[]>();
  for (const i of items) {
    const where = i.cluster ? `c${i.cluster.id}` : (i.server?.id ?? '');
    const key = `${i.kind}\u0000${i.rule.key}\u0000${where}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const out: PendingNotification[] = [];
  const base = baseUrl.replace(/\/$/, '');
  for (const group of groups.values()) {
    const first = group[0]!;
    const severity = group.reduce<Severity>(
      (max, i) => (severityRank(i.severity) > severityRank(max) ? i.severity : max),
      'info',
    );
    const fingerprints = group.map((i) => i.fingerprint).sort();
    // a cluster-wide incident is about several servers: none of them in particular
    const server = first.server && !first.cluster ? first.server : null;
    const payload: NotificationPayload = {
      kind: first.kind,
      title: first.cluster?.summary ?? groupTitle(first.kind, first.rule, server, group.length),
      severity,
      rule: first.rule,
      server: server ? { id: server.id, name: server.name } : null,
      items: group.map((i) => ({
        alertId: null,
        database: i.database,
        object: i.object,
        value: i.value,
        threshold: i.threshold,
        unit: i.unit,
        message: i.message,
        since: i.since?.toISOString() ?? null,
      })),
      link:
        group.length === 1 && first.href
          ? `${base}${first.href}`
          : groupLink(base, first.rule.key, server?.id ?? null),
      at: at.toISOString(),
    };
    const digest = createHash('sha256').update(fingerprints.join('\n')).digest('hex').slice(0, 16);
    const routing = routeAlert(routes, channels, {
      severity,
      rule: first.rule.key,
      ruleKind: first.ruleKind ?? 'builtin',
      environment: first.server?.environment ?? null,
      clusterId: first.server?.clusterId ?? null,
      serverTags: first.server?.tags ?? [],
    });
    const policy = routing.escalationId === null ? undefined : policies.get(routing.escalationId);
    const targets = new Set(routing.channels);
    let escalation: PendingNotification['escalation'];
    const add = (ids: readonly number[]) =>
      channels.filter((c) => c.enabled && ids.includes(c.id)).forEach((c) => targets.add(c));
    if (policy && first.kind === 'firing') {
      const move = firstEscalation(policy, at);
      add(move.channelIds);
      escalation = {
        policyId: policy.id,
        nextAt: move.nextAt,
        reason: `escalation "${policy.name}" ${stepLabel(policy, 0)}: notified with the firing message`,
      };
    }
    const timing =
      first.kind === 'firing' || first.kind === 'resolved' ? groupTiming(routing.routes) : null;
    const grouped = timing
      ? {
          group: {
            key: `${first.rule.key}|${first.cluster ? `c${first.cluster.id}` : (first.server?.id ?? '')}`,
            timing,
          },
        }
      : {};
    const reached = Math.max(-1, ...group.map((i) => i.escalationStep ?? -1));
    if (policy && first.kind === 'resolved' && reached >= 0) add(reachedChannels(policy, reached));
    for (const c of targets) {
      out.push({
        channelId: c.id,
        dedupeKey: `${first.kind}:${c.id}:${digest}:${at.toISOString()}`,
        kind: first.kind,
        fingerprints,
        itemFingerprints: group.map((i) => i.fingerprint),
        payload,
        ...(escalation ? { escalation } : {}),
        ...grouped,
      });
    }
  }
  return out;
}
