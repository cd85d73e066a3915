import { createHash } from 'node:crypto';
import type { Severity } from '@pgvigil/schema';
import type { ChannelRow, NotificationKind } from '@pgvigil/db/alerting';
import { atLeast, severityRank, type NotifyKind } from '../core';
import type { NotificationPayload } from '../notify/payload';
import type { RuleUnit } from '@pgvigil/schema';

export interface NotifyItem {
  kind: NotifyKind;
  fingerprint: string;
  severity: Severity;
  rule: { key: string; name: string; runbook: string };
  server: { id: number; name: string; clusterId: number | null; environment: string } | null;
  database: string | null;
  object: string | null;
  value: number | null;
  threshold: number | null;
  unit: RuleUnit;
  message: string;
  since: Date | null;
  /** the rule's own page for this alert (a path), used when a message is about it alone */
  href?: string | null;
}

export interface PendingNotification {
  channelId: number;
  dedupeKey: string;
  kind: NotificationKind;
  fingerprints: string[];
  /** fingerprint of each payload item, in order */
  itemFingerprints: string[];
  payload: NotificationPayload;
}

const TITLES: Record<NotifyKind, string> = {
  firing: 'firing',
  escalated: 'escalated',
  reminder: 'still firing',
  resolved: 'resolved',
};

/**
 * A burst (50 tables crossing one rule on one server in one cycle) becomes one
 * message per channel listing them all: grouped by kind, rule and server.
 */
export function buildNotifications(
  items: readonly NotifyItem[],
  channels: readonly ChannelRow[],
  at: Date,
  baseUrl: string,
): PendingNotification[] {
  const groups = new Map<string, NotifyItem[]>();
  for (const i of items) {
    const key = `${i.kind}\u0000${i.rule.key}\u0000${i.server?.id ?? ''}`;
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
    const where = first.server ? ` on ${first.server.name}` : '';
    const count = group.length > 1 ? ` (${group.length})` : '';
    const query = new URLSearchParams({ rule: first.rule.key });
    if (first.server) query.set('server', String(first.server.id));
    const payload: NotificationPayload = {
      kind: first.kind,
      title: `${first.rule.name}${where}${count} ${TITLES[first.kind]}`,
      severity,
      rule: first.rule,
      server: first.server ? { id: first.server.id, name: first.server.name } : null,
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
          : `${base}/alerts?${query.toString()}`,
      at: at.toISOString(),
    };
    const digest = createHash('sha256').update(fingerprints.join('\n')).digest('hex').slice(0, 16);
    for (const c of channels) {
      if (!c.enabled || !atLeast(severity, c.min_severity)) continue;
      const s = first.server;
      const clusters = c.filters.clusterIds ?? [];
      const envs = c.filters.environments ?? [];
      if (clusters.length && !(s?.clusterId != null && clusters.includes(s.clusterId))) continue;
      if (envs.length && !(s && envs.includes(s.environment))) continue;
      out.push({
        channelId: c.id,
        dedupeKey: `${first.kind}:${c.id}:${digest}:${at.toISOString()}`,
        kind: first.kind,
        fingerprints,
        itemFingerprints: group.map((i) => i.fingerprint),
        payload,
      });
    }
  }
  return out;
}
