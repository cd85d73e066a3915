import type { SelfProblem } from '@pgvigil/schema/self-health';
import type { Db } from './client';
import type { DatastoreState } from './datastore-state';
import { COMPONENTS } from './domain';
import { listHeartbeats } from './heartbeats';
import { appliedVersion } from './schema-version';
import { selfProblems, type ComponentHealth, type HealthFacts } from './self-problems';

export type { ComponentHealth } from './self-problems';

export interface Health {
  status: 'ok' | 'degraded' | 'down';
  datastore: {
    reachable: boolean;
    latencyMs: number | null;
    error?: string;
    /** when the datastore was first found unreachable (null while it answers) */
    unreachableSince: string | null;
    /** what `npm start` is doing about its embedded datastore, when it runs one */
    supervisor: Omit<DatastoreState, 'supervisorPid' | 'updatedAt'> | null;
  };
  migrationVersion: number | null;
  components: HealthFacts['components'];
  /** what is wrong with pgvigil itself, in plain words (empty when all is well) */
  problems: SelfProblem[];
}

/** A component is stale when it has not beaten for this long. */
export const STALE_AFTER_MS = 60_000;

export interface HealthContext {
  /** from the previous check: keeps "unreachable since" across checks */
  unreachableSince?: Date | null;
  supervisor?: DatastoreState | null;
  /** the datastore's answer is awaited this long (a blackholed host must not hang a page) */
  timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function componentsOf(
  beats: Awaited<ReturnType<typeof listHeartbeats>>,
  at: Date,
): Health['components'] {
  const components: Health['components'] = {};
  for (const component of COMPONENTS.filter((c) => c !== 'web')) {
    const mine = beats.filter((b) => b.component === component);
    const newest = mine[0];
    const fresh = (b: { last_seen_at: Date }) =>
      at.getTime() - b.last_seen_at.getTime() <= STALE_AFTER_MS;
    components[component] = newest
      ? ({
          status: fresh(newest) ? 'up' : 'stale',
          lastSeenAt: newest.last_seen_at.toISOString(),
          instances: mine.filter(fresh).length,
          info: newest.info,
        } satisfies ComponentHealth)
      : { status: 'never_seen', lastSeenAt: null, instances: 0, info: null };
  }
  return components;
}

function supervisorView(
  state: DatastoreState | null | undefined,
): Health['datastore']['supervisor'] {
  if (!state) return null;
  const { supervisorPid: _pid, updatedAt: _at, ...view } = state;
  return view;
}

export async function getHealth(
  db: Db,
  at = new Date(),
  context: HealthContext = {},
): Promise<Health> {
  const started = performance.now();
  const supervisor = context.supervisor ?? null;
  try {
    const version = await withTimeout(appliedVersion(db), context.timeoutMs ?? 5000);
    const latencyMs = Math.round(performance.now() - started);
    const beats = await withTimeout(listHeartbeats(db), context.timeoutMs ?? 5000).catch(() => []);
    const components = componentsOf(beats, at);
    const problems = selfProblems(
      { reachable: true, unreachableSince: null, supervisor, components },
      at,
    );
    const healthy = problems.length === 0 && version !== null;
    return {
      status: healthy ? 'ok' : 'degraded',
      datastore: {
        reachable: true,
        latencyMs,
        unreachableSince: null,
        supervisor: supervisorView(supervisor),
      },
      migrationVersion: version,
      components,
      problems,
    };
  } catch (err) {
    const since = context.unreachableSince ?? at;
    return {
      status: 'down',
      datastore: {
        reachable: false,
        latencyMs: null,
        error: (err as Error).message,
        unreachableSince: since.toISOString(),
        supervisor: supervisorView(supervisor),
      },
      migrationVersion: null,
      components: {},
      problems: selfProblems(
        { reachable: false, unreachableSince: since, supervisor, components: {} },
        at,
      ),
    };
  }
}
