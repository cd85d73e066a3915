import type { AlertChange, AlertRow } from '@pgvigil/db/alerting';
import type { AlertState } from '@pgvigil/schema';
import { groupClusterIncidents } from './cluster-incident';
import type { NotifyItem } from './notifications';

/** The rule whose alert is the cause: a server that cannot be reached. */
export const DOWN_RULE = 'server_down';
/** a cause counts from its first failed sample (pending) until it clears */
const CAUSE_STATES: readonly AlertState[] = ['pending', 'firing', 'acknowledged', 'silenced'];
const CLOSED: readonly AlertState[] = ['ok', 'resolved'];
/** the down message names this many held alerts, then counts the rest */
const NAMED = 10;

export interface HoldInput {
  at: Date;
  changes: AlertChange[];
  notify: NotifyItem[];
  openAlerts: readonly AlertRow[];
  servers: ReadonlyMap<
    number,
    { name: string; clusterId: number | null; clusterName?: string | null }
  >;
  /** the cluster of each cluster-scoped series (no server), by fingerprint */
  clusterOf?: ReadonlyMap<string, number>;
  /** servers last seen as primaries (not in recovery) */
  primaries: ReadonlySet<number>;
  /** rule key -> what holding needs to know of it (name; a standby's link to its primary) */
  rules: ReadonlyMap<string, { name: string; followsUpstream?: boolean }>;
}

const keyOf = (fingerprint: string) => fingerprint.slice(0, fingerprint.indexOf('|'));
const downFingerprint = (serverId: number) => `${DOWN_RULE}|${serverId}||`;

interface Current {
  fingerprint: string;
  state: AlertState;
  serverId: number | null;
  heldBy: number | null;
  change?: AlertChange;
  alert?: AlertRow;
}

/**
 * Suppression by dependency, as a pure step after a cycle's plan: an alert of a server
 * that is down (its `server_down` alert pending or confirmed), or a standby's link
 * rule while a primary of its cluster is down, is held. Its messages are not sent
 * and it keeps `notified` as it was, so when the cause clears the lifecycle sends it
 * then if it still holds (and a held alert that cleared never sends anything). Holding
 * and releasing are events on the alert's timeline; the down message says how many
 * alerts it holds and names them.
 */
export function applyHolds(input: HoldInput): { changes: AlertChange[]; notify: NotifyItem[] } {
  const current = new Map<string, Current>();
  for (const a of input.openAlerts)
    current.set(a.fingerprint, {
      fingerprint: a.fingerprint,
      state: a.state,
      serverId: a.server_id,
      heldBy: a.held_by_server_id ?? null,
      alert: a,
    });
  for (const c of input.changes) {
    const was = current.get(c.fingerprint);
    current.set(c.fingerprint, {
      fingerprint: c.fingerprint,
      state: c.state,
      serverId: c.serverId,
      heldBy: was?.heldBy ?? null,
      change: c,
      ...(was?.alert ? { alert: was.alert } : {}),
    });
  }
  const down = new Set(
    [...input.servers.keys()].filter((id) => {
      const s = current.get(downFingerprint(id))?.state;
      return s !== undefined && CAUSE_STATES.includes(s);
    }),
  );
  const causeOf = (fingerprint: string, serverId: number | null): number | null => {
    const key = keyOf(fingerprint);
    if (key === DOWN_RULE) return null;
    if (serverId !== null && down.has(serverId)) return serverId;
    if (!input.rules.get(key)?.followsUpstream) return null;
    // a standby's link rule, or a cluster's own rule (no primary): held by a down primary
    const cluster =
      serverId === null
        ? (input.clusterOf?.get(fingerprint) ?? null)
        : (input.servers.get(serverId)?.clusterId ?? null);
    if (cluster === null) return null;
    for (const id of down)
      if (input.primaries.has(id) && input.servers.get(id)?.clusterId === cluster) return id;
    return null;
  };
  const nameOf = (id: number) => input.servers.get(id)?.name ?? `server ${id}`;

  const changes = new Map(input.changes.map((c) => [c.fingerprint, { ...c }]));
  const heldBy = new Map<number, Current[]>();
  for (const cur of current.values()) {
    const open = !CLOSED.includes(cur.state);
    const cause = open ? causeOf(cur.fingerprint, cur.serverId) : null;
    if (cause !== null) heldBy.set(cause, [...(heldBy.get(cause) ?? []), cur]);
    if (cause === cur.heldBy) continue;
    const reason =
      cause !== null
        ? `held: ${nameOf(cause)} down`
        : `released: ${nameOf(cur.heldBy!)} no longer down`;
    const change =
      changes.get(cur.fingerprint) ?? (cur.alert ? unchanged(cur.alert, input.at) : null);
    if (!change) continue;
    change.heldBy = cause;
    // a closed alert is released silently: its own event says why it closed
    if (open)
      change.event = change.event
        ? { ...change.event, reason: `${change.event.reason}; ${reason}` }
        : { from: cur.state, to: cur.state, reason };
    changes.set(cur.fingerprint, change);
  }

  const notify: NotifyItem[] = [];
  for (const item of input.notify) {
    const cur = current.get(item.fingerprint);
    const cause =
      item.kind === 'resolved' ? null : causeOf(item.fingerprint, item.server?.id ?? null);
    if (cause === null) {
      notify.push(heldBy.has(item.server?.id ?? 0) ? withHeld(item, heldBy, input, nameOf) : item);
      continue;
    }
    // not sent: the alert stays as notified as it was, so the release sends it
    const change = changes.get(item.fingerprint);
    if (change) {
      change.notified = cur?.alert?.notified ?? false;
      change.lastNotifiedAt = cur?.alert?.last_notified_at ?? null;
    }
  }
  return {
    changes: [...changes.values()],
    notify: groupClusterIncidents(
      notify,
      DOWN_RULE,
      input.servers,
      (id) => heldBy.get(id)?.length ?? 0,
    ),
  };
}

/** The down message of a server holding alerts: how many, and which. */
function withHeld(
  item: NotifyItem,
  heldBy: ReadonlyMap<number, Current[]>,
  input: HoldInput,
  nameOf: (serverId: number) => string,
): NotifyItem {
  if (keyOf(item.fingerprint) !== DOWN_RULE || item.kind !== 'firing' || !item.server) return item;
  const held = heldBy.get(item.server.id) ?? [];
  const names = held
    .map((h) => {
      const key = keyOf(h.fingerprint);
      const rule = input.rules.get(key)?.name ?? key;
      const other = h.serverId !== null && h.serverId !== item.server!.id;
      const where = [
        other ? nameOf(h.serverId!) : '',
        h.alert?.database_name ?? h.change?.databaseName,
        h.alert?.object_key ?? h.change?.objectKey,
      ]
        .filter(Boolean)
        .join(' / ');
      return where ? `${rule} (${where})` : rule;
    })
    .sort();
  const more = names.length > NAMED ? `, and ${names.length - NAMED} more` : '';
  const list = names.length ? `: ${names.slice(0, NAMED).join(', ')}${more}` : '';
  return {
    ...item,
    message: `${item.server.name} down; ${held.length} dependent alert${held.length === 1 ? '' : 's'} held${list}`,
  };
}

/** An alert row as a change that leaves it as it is (to record holding or release). */
function unchanged(a: AlertRow, at: Date): AlertChange {
  return {
    id: a.id,
    ruleId: a.rule_id,
    serverId: a.server_id,
    databaseName: a.database_name,
    objectKey: a.object_key,
    fingerprint: a.fingerprint,
    state: a.state,
    severity: a.severity,
    value: a.value,
    threshold: a.threshold,
    message: a.message,
    startedAt: a.started_at,
    firedAt: a.fired_at,
    notified: a.notified,
    lastNotifiedAt: a.last_notified_at,
    details: a.details,
    at,
    event: null,
  };
}
