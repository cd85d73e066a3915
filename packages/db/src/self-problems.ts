import type { SelfProblem } from '@pgvigil/schema/self-health';
import type { DatastoreState } from './datastore-state';
import type { Component } from './domain';

export interface ComponentHealth {
  status: 'up' | 'stale' | 'never_seen';
  lastSeenAt: string | null;
  instances: number;
  info: Record<string, unknown> | null;
}

export interface HealthFacts {
  reachable: boolean;
  /** when this process first found the datastore unreachable, if it is */
  unreachableSince: Date | null;
  /** the supervisor's word on the embedded datastore (null: external, or not under `npm start`) */
  supervisor: DatastoreState | null;
  components: Partial<Record<Component, ComponentHealth>>;
}

/** A sample older than this still waiting in the collector's buffer means collection lags. */
export const LAG_AFTER_MS = 60_000;
/** A drop this recent is still worth a banner. */
const DROPS_SHOWN_FOR_MS = 3_600_000;

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
const rows = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;

function datastoreProblem(facts: HealthFacts): SelfProblem {
  const s = facts.supervisor;
  const since = s?.downSince ?? facts.unreachableSince?.toISOString() ?? null;
  if (s?.state === 'gave_up') {
    return {
      code: 'datastore_gave_up',
      severity: 'critical',
      what: "pgvigil's datastore has been down",
      since,
      doing: `pgvigil gave up restarting it. ${s.advice ?? 'See the log of npm start.'}`.replace(
        /\.$/,
        '',
      ),
    };
  }
  const keeping = 'the collector keeps new samples in memory meanwhile';
  let doing: string;
  if (s?.state === 'restarting') {
    doing = `restarting it (attempt ${s.attempt})${s.lastError ? `; the last try failed: ${s.lastError}` : ''}; ${keeping}`;
  } else if (s?.state === 'up') {
    doing = `it is running again; reconnecting`;
  } else {
    doing = `retrying the connection; ${keeping}. pgvigil does not run this datastore (DATABASE_URL): check that it is up and reachable`;
  }
  return {
    code: 'datastore_unreachable',
    severity: 'critical',
    what: "pgvigil's datastore has been unreachable",
    since,
    doing,
  };
}

function componentProblem(
  component: 'collector' | 'alerter',
  health: ComponentHealth | undefined,
): SelfProblem | null {
  if (!health || health.status === 'up') return null;
  const consequence =
    component === 'collector'
      ? 'no new samples arrive until it is back'
      : 'alerts are not evaluated and notifications wait in the outbox until it is back';
  return {
    code: component === 'collector' ? 'collector_not_reporting' : 'alerter_not_reporting',
    severity: 'critical',
    what:
      health.status === 'never_seen'
        ? `The ${component} has not reported yet`
        : `The ${component} has not reported`,
    since: health.lastSeenAt,
    doing: `${consequence} (npm start restarts it when it exits; see its log)`,
  };
}

function collectionProblems(info: Record<string, unknown>, at: Date): SelfProblem[] {
  const problems: SelfProblem[] = [];
  const buffered = num(info.bufferedRows);
  const limit = num(info.bufferLimitRows);
  const dropped = num(info.droppedRows);
  const bound = limit ? ` (up to ${rows(limit)}; beyond it the oldest are dropped)` : '';
  const code = str(info.lastDatastoreErrorCode);
  if (code?.startsWith('53')) {
    problems.push({
      code: 'datastore_disk_full',
      severity: 'critical',
      what:
        code === '53100'
          ? "pgvigil's datastore has refused writes because its disk is full"
          : `pgvigil's datastore has refused writes for lack of a resource (SQLSTATE ${code})`,
      since: str(info.datastoreErrorSince),
      doing: `the collector keeps ${rows(buffered)} in memory and retries${bound}; free space on the datastore's disk`,
    });
  }
  const oldest = str(info.oldestBufferedAt);
  const lateness = num(info.scheduleLatenessP99Ms);
  if (oldest && at.getTime() - Date.parse(oldest) > LAG_AFTER_MS) {
    problems.push({
      code: 'collection_lagging',
      severity: 'warning',
      what: 'Collected samples have been waiting to be written',
      since: oldest,
      doing: `${rows(buffered)} kept in memory, written as soon as the datastore takes them${bound}`,
    });
  } else if (lateness > LAG_AFTER_MS) {
    problems.push({
      code: 'collection_lagging',
      severity: 'warning',
      what: 'Collection lags behind its schedule',
      since: null,
      doing: `probes start ${Math.round(lateness / 1000)} s late (p99): the collector is short of CPU or servers answer slowly`,
    });
  }
  const lastDrop = str(info.lastDropAt);
  if (dropped > 0 && lastDrop && at.getTime() - Date.parse(lastDrop) < DROPS_SHOWN_FOR_MS) {
    problems.push({
      code: 'samples_dropped',
      severity: 'warning',
      what: `The collector has dropped ${rows(dropped)} of samples`,
      since: str(info.firstDropAt),
      doing:
        'its buffer was full while the datastore could not take them; those samples are lost (PGVIGIL_COLLECTOR_BUFFER_ROWS sets the buffer)',
    });
  }
  return problems;
}

/** The plain-words list of what is wrong with pgvigil itself, most severe first. */
export function selfProblems(facts: HealthFacts, at: Date): SelfProblem[] {
  if (!facts.reachable) return [datastoreProblem(facts)];
  const problems = [
    componentProblem('collector', facts.components.collector),
    componentProblem('alerter', facts.components.alerter),
    // a silent collector's last word is stale: its not reporting is the news
    ...(facts.components.collector?.status === 'up'
      ? collectionProblems(facts.components.collector.info ?? {}, at)
      : []),
  ].filter((p): p is SelfProblem => p !== null);
  return problems.sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1,
  );
}
