import { getHealth, readDatastoreState, type Health } from '@pgvigil/db';
import { db } from './db';
import { env } from './env';

// One web process: "unreachable since" carries over from one check to the next, and
// pages rendered within a couple of seconds share one check.
const holder = globalThis as unknown as {
  pgvigilSelfHealth?: {
    unreachableSince: Date | null;
    last: { at: number; health: Promise<Health> } | null;
  };
};
const SHARED_FOR_MS = 2000;

/**
 * Set by proxy.ts on a page request whose session could not be checked for want of
 * the datastore: the layout shows the outage instead of the page (never set by a caller).
 */
export const DATASTORE_AWAY_HEADER = 'x-pgvigil-datastore-away';

async function check(at: Date): Promise<Health> {
  const state = (holder.pgvigilSelfHealth ??= { unreachableSince: null, last: null });
  const health = await getHealth(db(), at, {
    unreachableSince: state.unreachableSince,
    supervisor: await readDatastoreState(env().PGVIGIL_HOME),
    timeoutMs: 3000,
  });
  const since = health.datastore.unreachableSince;
  state.unreachableSince = since ? new Date(since) : null;
  return health;
}

/**
 * pgvigil's own health as pages and /api/v1/health show it: the datastore (and
 * what the supervisor does about it), the collector and alerter, collection lag.
 * `fresh` skips the check shared with recent page renders.
 */
export function selfHealth(options: { fresh?: boolean } = {}): Promise<Health> {
  const state = (holder.pgvigilSelfHealth ??= { unreachableSince: null, last: null });
  const now = Date.now();
  if (!options.fresh && state.last && now - state.last.at < SHARED_FOR_MS) return state.last.health;
  const health = check(new Date(now));
  state.last = { at: now, health };
  return health;
}
