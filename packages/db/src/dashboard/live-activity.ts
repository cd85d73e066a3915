import { z } from 'zod';
import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { readLatest, type LatestRow } from '../metrics';
import { date, num, str } from './latest-rows';
import { parseInput } from './parse';

export const liveActivityInput = z.object({
  serverId: z.coerce.number().int().positive(),
  /** most sessions listed; the busiest first */
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type LiveSession = {
  pid: number;
  datname: string | null;
  usename: string | null;
  applicationName: string | null;
  clientAddr: string | null;
  state: string | null;
  waitEventType: string | null;
  waitEvent: string | null;
  query: string | null;
  backendStart: Date | null;
  xactSeconds: number | null;
  querySeconds: number | null;
  stateSeconds: number | null;
};

export type BlockingNode = {
  pid: number;
  /** what this session is waiting for, for blocked sessions */
  blockedSeconds: number | null;
  query: string | null;
  state: string | null;
  user: string | null;
  datname: string | null;
  blocks: BlockingNode[];
};

export type BlockingPair = {
  blockedPid: number;
  blockingPid: number;
  datname: string | null;
  blockedUser: string | null;
  blockedSeconds: number | null;
  blockedQuery: string | null;
  blockingState: string | null;
  blockingQuery: string | null;
};

export type LiveActivity = {
  /** when the sampled session list was taken (every 15 s), null when none is recent */
  sessionsAt: Date | null;
  sessions: LiveSession[];
  /** sessions sampled in total, of which `sessions` are the busiest */
  totalSessions: number;
  blockingAt: Date | null;
  /** roots are sessions that block others and wait for nobody (or are in a cycle) */
  blockingTree: BlockingNode[];
};

// Active first, then sessions holding a transaction open, then the rest; longest first.
const STATE_RANK: Record<string, number> = {
  active: 0,
  'idle in transaction': 1,
  'idle in transaction (aborted)': 1,
  fastpath: 2,
};

/**
 * The blocking tree from (blocked, blocking) pairs: each root is a session that
 * blocks others without waiting itself; a session blocked by two others appears
 * under both. Pure cycles (a deadlock the server has not broken yet) get their
 * lowest pid as root, so nothing is dropped.
 */
export function buildBlockingTree(pairs: readonly BlockingPair[]): BlockingNode[] {
  const children = new Map<number, BlockingPair[]>();
  const blocked = new Map<number, BlockingPair>();
  const blockers = new Map<number, BlockingPair>();
  for (const p of pairs) {
    children.set(p.blockingPid, [...(children.get(p.blockingPid) ?? []), p]);
    blocked.set(p.blockedPid, p);
    blockers.set(p.blockingPid, p);
  }
  const node = (pid: number, seen: Set<number>): BlockingNode => {
    const asBlocked = blocked.get(pid);
    const asBlocker = blockers.get(pid);
    const next = new Set(seen).add(pid);
    return {
      pid,
      blockedSeconds: asBlocked?.blockedSeconds ?? null,
      query: asBlocked?.blockedQuery ?? asBlocker?.blockingQuery ?? null,
      state: asBlocked ? 'waiting on a lock' : (asBlocker?.blockingState ?? null),
      user: asBlocked?.blockedUser ?? null,
      datname: asBlocked?.datname ?? asBlocker?.datname ?? null,
      blocks: (children.get(pid) ?? [])
        .filter((c) => !next.has(c.blockedPid))
        .sort((a, b) => a.blockedPid - b.blockedPid)
        .map((c) => node(c.blockedPid, next)),
    };
  };
  const roots = [...children.keys()].filter((pid) => !blocked.has(pid)).sort((a, b) => a - b);
  const reached = new Set<number>();
  const mark = (n: BlockingNode) => {
    reached.add(n.pid);
    n.blocks.forEach(mark);
  };
  const tree = roots.map((pid) => node(pid, new Set()));
  tree.forEach(mark);
  for (const pid of [...children.keys()].sort((a, b) => a - b)) {
    if (reached.has(pid)) continue;
    const cycle = node(pid, new Set());
    mark(cycle);
    tree.push(cycle);
  }
  return tree;
}

async function latest(db: Queryable, probe: string, serverId: number, at: Date) {
  try {
    return await readLatest(db, { probe, serverIds: [serverId], at });
  } catch (err) {
    if (err instanceof NotFoundError) return [] as LatestRow[];
    throw err;
  }
}

/** The newest sampled sessions (busiest first) and blocking tree of a server. */
export async function getLiveActivity({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: z.input<typeof liveActivityInput>;
  at: Date;
}): Promise<LiveActivity> {
  const i = parseInput(liveActivityInput, input);
  const [sessionRows, blockingRows] = await Promise.all([
    latest(db, 'sessions', i.serverId, at),
    latest(db, 'blocking', i.serverId, at),
  ]);
  const sessions = sessionRows
    .map((r): LiveSession => {
      const v = r.values;
      return {
        pid: Number(r.key.pid),
        datname: str(v.datname),
        usename: str(v.usename),
        applicationName: str(v.application_name),
        clientAddr: str(v.client_addr),
        state: str(v.state),
        waitEventType: str(v.wait_event_type),
        waitEvent: str(v.wait_event),
        query: str(v.query),
        backendStart: date(v.backend_start),
        xactSeconds: num(v.xact_seconds),
        querySeconds: num(v.query_seconds),
        stateSeconds: num(v.state_seconds),
      };
    })
    .sort(
      (a, b) =>
        (STATE_RANK[a.state ?? ''] ?? 3) - (STATE_RANK[b.state ?? ''] ?? 3) ||
        (b.xactSeconds ?? b.stateSeconds ?? 0) - (a.xactSeconds ?? a.stateSeconds ?? 0) ||
        a.pid - b.pid,
    );
  const pairs = blockingRows.map((r): BlockingPair => ({
    blockedPid: Number(r.key.blocked_pid),
    blockingPid: Number(r.key.blocking_pid),
    datname: str(r.values.datname),
    blockedUser: str(r.values.blocked_user),
    blockedSeconds: num(r.values.blocked_seconds),
    blockedQuery: str(r.values.blocked_query),
    blockingState: str(r.values.blocking_state),
    blockingQuery: str(r.values.blocking_query),
  }));
  return {
    sessionsAt: sessionRows[0]?.collectedAt ?? null,
    sessions: sessions.slice(0, i.limit),
    totalSessions: sessions.length,
    blockingAt: blockingRows[0]?.collectedAt ?? null,
    blockingTree: buildBlockingTree(pairs),
  };
}
