// What pgvigil keeps of a Patroni cluster: one row per registered member server per
// poll (metrics.patroni, which the built-in Patroni rules read), and the failovers and
// switchovers it saw between two polls (events on the cluster's timeline). Pure.
import type { MetricSpec } from '@pgvigil/schema';
import type { PatroniView } from './rest';

/** metrics.patroni: written by the collector from the cluster's REST API, not by SQL. */
export const PATRONI_METRIC: MetricSpec = {
  name: 'patroni',
  scope: 'instance',
  intervalSeconds: 15,
  retentionDays: 14,
  changeTracked: false,
  columns: [
    { name: 'member', type: 'text', description: "the member's name in Patroni" },
    { name: 'role', type: 'text', description: 'leader, standby_leader, sync_standby or replica' },
    { name: 'state', type: 'text', description: 'running, streaming, starting, stopped...' },
    { name: 'running', type: 'int', description: '1 when the member runs PostgreSQL' },
    { name: 'lag_bytes', type: 'bigint', unit: 'bytes', description: 'behind the leader' },
    { name: 'timeline', type: 'bigint' },
    { name: 'pending_restart', type: 'int' },
    {
      name: 'cluster_row',
      type: 'int',
      description: '1 on the one row that speaks for the cluster (cluster-wide rules read it)',
    },
    { name: 'has_leader', type: 'int' },
    { name: 'paused', type: 'int' },
    { name: 'synchronous_mode', type: 'int' },
    { name: 'sync_standbys', type: 'int', description: 'members in the sync_standby role' },
    { name: 'maximum_lag_on_failover', type: 'bigint', unit: 'bytes' },
  ],
};

/** A registered server a member maps to, by its host and port. */
export interface MemberServer {
  serverId: number;
  host: string;
  port: number;
}

const RUNNING = new Set(['running', 'streaming', 'in archive recovery']);

/** `serverId` of each member registered in pgvigil (matched on host and port). */
export function matchMembers(
  view: Pick<PatroniView, 'members'>,
  servers: readonly MemberServer[],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of view.members) {
    const s = servers.find(
      (x) => x.host.toLowerCase() === (m.host ?? '').toLowerCase() && x.port === m.port,
    );
    if (s) out.set(m.name, s.serverId);
  }
  return out;
}

/**
 * One row per registered member. The cluster-wide values are on every row; the row
 * with `cluster_row = 1` (the first member by name) is the one the cluster-wide rules
 * judge, so "no leader" is one alert, not one per member.
 */
export function patroniRows(
  view: PatroniView,
  serverIds: ReadonlyMap<string, number>,
): { serverId: number; row: Record<string, unknown> }[] {
  const registered = view.members
    .filter((m) => serverIds.has(m.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const syncStandbys = view.members.filter((m) => m.role === 'sync_standby').length;
  return registered.map((m, i) => ({
    serverId: serverIds.get(m.name)!,
    row: {
      member: m.name,
      role: m.role,
      state: m.state,
      running: RUNNING.has(m.state) ? 1 : 0,
      lag_bytes: m.lagBytes,
      timeline: m.timeline,
      pending_restart: m.pendingRestart ? 1 : 0,
      cluster_row: i === 0 ? 1 : 0,
      has_leader: view.leader ? 1 : 0,
      paused: view.paused ? 1 : 0,
      synchronous_mode: view.synchronousMode ? 1 : 0,
      sync_standbys: syncStandbys,
      maximum_lag_on_failover: view.maximumLagOnFailover,
    },
  }));
}

/** What pgvigil remembers of the last poll to compare the next with. */
export interface PatroniSeen {
  leader: string | null;
  timeline: number | null;
  /** the view of the last poll (as stored: checked before use) */
  view?: unknown;
}

export const PATRONI_EVENT_KINDS = ['switchover', 'failover'] as const;
export type PatroniEventKind = (typeof PATRONI_EVENT_KINDS)[number];

export interface PatroniEvent {
  kind: PatroniEventKind;
  at: Date;
  title: string;
  details: string;
  /** why pgvigil calls it a switchover or a failover, in a sentence */
  why: string;
  from: string;
  to: string;
}

/** The old leader's own REST API after the move: did it answer at all. */
export interface OldLeaderProbe {
  answers: boolean;
}

const UNHEALTHY = new Set(['stopped', 'crashed', 'start failed', 'stopping', 'restart failed']);
/**
 * States a leader is in only when its PostgreSQL failed. Not 'stopping' or 'stopped': a
 * leader being demoted on purpose stops its PostgreSQL before it lets the lock go, and a
 * poll can fall in that moment (seen with a real `POST /switchover`).
 */
const FAILED = new Set(['crashed', 'start failed', 'restart failed']);

function previousView(
  seen: PatroniSeen,
): Pick<PatroniView, 'leader' | 'members' | 'scheduledSwitchover'> | null {
  const v = seen.view as Partial<PatroniView> | null | undefined;
  return v && Array.isArray(v.members)
    ? {
        leader: v.leader ?? null,
        members: v.members,
        scheduledSwitchover: v.scheduledSwitchover ?? null,
      }
    : null;
}

/**
 * Switchover (the old leader stepped down on purpose) or failover (it was lost), and
 * why, from what is known right after the move, in this order: a switchover Patroni had
 * scheduled; the old leader's PostgreSQL failed (crashed, start or restart failed) while
 * it still held the lock at the poll before; its own REST API silent after the move (host or Patroni lost); else
 * it answers, demoted and rejoining as a replica. Patroni's /history reason is
 * PostgreSQL's for the timeline switch ("no recovery target specified" in both cases),
 * so it is reported, not judged.
 */
export function classifyMove(
  seen: PatroniSeen & { leader: string },
  view: PatroniView,
  old: OldLeaderProbe,
): { kind: PatroniEventKind; why: string } {
  const from = seen.leader;
  const before = previousView(seen);
  const planned = before?.scheduledSwitchover;
  if (planned && (planned.to === null || planned.to === view.leader))
    return { kind: 'switchover', why: `Patroni had a switchover scheduled for ${planned.at}` };
  const was = before?.leader === from ? before.members.find((m) => m.name === from) : undefined;
  if (was && FAILED.has(was.state))
    return {
      kind: 'failover',
      why: `${from} held the leader lock but its PostgreSQL was ${was.state} at the read before`,
    };
  const now = view.members.find((m) => m.name === from);
  if (!old.answers)
    return {
      kind: 'failover',
      why: `${from}'s REST API did not answer after the move${now ? '' : ' and it left the member list'}`,
    };
  if (now && UNHEALTHY.has(now.state) && now.state !== 'stopped' && now.state !== 'stopping')
    return { kind: 'failover', why: `${from}'s Patroni answers but its PostgreSQL ${now.state}` };
  return {
    kind: 'switchover',
    why: `${from}'s Patroni answers after the move${now ? ` (${now.role}, ${now.state})` : ''}: it stepped down`,
  };
}

/**
 * One event when the leader changed since the last poll, classified by `classifyMove`.
 * The leader decides, not the timeline: the new leader reports its new timeline a poll
 * or two after it took the lock, and that is the same move. The time is Patroni's
 * history entry for the new leader when it has one, else `at`.
 */
export function patroniEvents(
  seen: PatroniSeen | null,
  view: PatroniView,
  at: Date,
  old: OldLeaderProbe = { answers: false },
): PatroniEvent[] {
  if (!seen?.leader || !view.leader || seen.leader === view.leader) return [];
  const from = seen.leader;
  const { kind, why } = classifyMove({ ...seen, leader: from }, view, old);
  const entry = [...view.history].reverse().find((h) => h.newLeader === view.leader);
  const when = entry?.at ? new Date(entry.at) : at;
  const title =
    kind === 'switchover'
      ? `Switchover: ${from} → ${view.leader}`
      : `Failover: ${view.leader} promoted (${from} lost)`;
  const details = [
    `Patroni cluster ${view.scope}`,
    `timeline ${seen.timeline ?? '?'} → ${view.timeline ?? '?'}`,
    `${kind}: ${why}`,
    ...(entry?.reason ? [`PostgreSQL: ${entry.reason}`] : []),
  ].join('; ');
  return [
    {
      kind,
      at: Number.isNaN(when.getTime()) ? at : when,
      title,
      details,
      why,
      from,
      to: view.leader,
    },
  ];
}

/** Metric tables the collector fills from outside SQL probes (rules and charts may name them). */
export const EXTERNAL_METRICS: readonly MetricSpec[] = [PATRONI_METRIC];
