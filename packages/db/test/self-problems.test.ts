import { describe, expect, it } from 'vitest';
import { selfProblemSentence } from '@pgvigil/schema';
import { selfProblems, type DatastoreState, type HealthFacts } from '@pgvigil/db';

const at = new Date('2025-03-04T10:45:00Z');
const utc = (iso: string) => `${iso.slice(11, 16)} UTC`;
const sentences = (facts: HealthFacts) =>
  selfProblems(facts, at).map((p) => selfProblemSentence(p, utc));
const supervisor = (patch: Partial<DatastoreState>): DatastoreState => ({
  supervisorPid: 1,
  state: 'restarting',
  downSince: '2025-03-04T10:42:00Z',
  attempt: 2,
  restarts: 0,
  lastExit: null,
  lastError: null,
  nextAttemptAt: null,
  advice: null,
  updatedAt: '2025-03-04T10:44:00Z',
  ...patch,
});
const up = (info: Record<string, unknown> = {}) => ({
  status: 'up' as const,
  lastSeenAt: '2025-03-04T10:44:55Z',
  instances: 1,
  info,
});
const healthy: HealthFacts = {
  reachable: true,
  unreachableSince: null,
  supervisor: null,
  components: { collector: up(), alerter: up() },
};

describe('pgvigil in plain words', () => {
  it('says nothing when all is well', () => {
    expect(selfProblems(healthy, at)).toEqual([]);
  });

  it('the datastore away: since when, and what the supervisor does about it', () => {
    const down = { ...healthy, reachable: false, components: {} };
    expect(sentences({ ...down, supervisor: supervisor({}) })).toEqual([
      "pgvigil's datastore has been unreachable since 10:42 UTC; restarting it (attempt 2); the collector keeps new samples in memory meanwhile.",
    ]);
    expect(sentences({ ...down, supervisor: supervisor({ lastError: 'FATAL: x' }) })[0]).toContain(
      'restarting it (attempt 2); the last try failed: FATAL: x',
    );
    expect(
      sentences({ ...down, supervisor: supervisor({ state: 'gave_up', advice: 'Restore it.' }) }),
    ).toEqual([
      "pgvigil's datastore has been down since 10:42 UTC; pgvigil gave up restarting it. Restore it.",
    ]);
    // an external datastore: since this web process first missed it
    expect(sentences({ ...down, unreachableSince: new Date('2025-03-04T10:43:00Z') })[0]).toMatch(
      /^pgvigil's datastore has been unreachable since 10:43 UTC; retrying the connection/,
    );
  });

  it('a silent collector or alerter, and what it means', () => {
    const facts: HealthFacts = {
      ...healthy,
      components: {
        collector: { status: 'stale', lastSeenAt: '2025-03-04T10:40:00Z', instances: 0, info: {} },
        alerter: { status: 'never_seen', lastSeenAt: null, instances: 0, info: null },
      },
    };
    expect(sentences(facts)).toEqual([
      'The collector has not reported since 10:40 UTC; no new samples arrive until it is back (npm start restarts it when it exits; see its log).',
      'The alerter has not reported yet; alerts are not evaluated and notifications wait in the outbox until it is back (npm start restarts it when it exits; see its log).',
    ]);
  });

  it('a full disk, lagging collection and dropped samples, from the collector', () => {
    const facts: HealthFacts = {
      ...healthy,
      components: {
        alerter: up(),
        collector: up({
          bufferedRows: 1200,
          bufferLimitRows: 500_000,
          oldestBufferedAt: '2025-03-04T10:41:00Z',
          lastDatastoreErrorCode: '53100',
          datastoreErrorSince: '2025-03-04T10:41:05Z',
          droppedRows: 30,
          firstDropAt: '2025-03-04T10:43:00Z',
          lastDropAt: '2025-03-04T10:44:00Z',
        }),
      },
    };
    const problems = selfProblems(facts, at);
    expect(problems.map((p) => p.code)).toEqual([
      'datastore_disk_full',
      'collection_lagging',
      'samples_dropped',
    ]);
    expect(selfProblemSentence(problems[0]!, utc)).toBe(
      "pgvigil's datastore has refused writes because its disk is full since 10:41 UTC; the collector keeps 1,200 rows in memory and retries (up to 500,000 rows; beyond it the oldest are dropped); free space on the datastore's disk.",
    );
    expect(selfProblemSentence(problems[2]!, utc)).toMatch(
      /^The collector has dropped 30 rows of samples since 10:43 UTC; its buffer was full/,
    );
    // a sample waiting under a minute is no lag; a drop over an hour ago is old news
    const calm = up({
      bufferedRows: 10,
      oldestBufferedAt: '2025-03-04T10:44:30Z',
      droppedRows: 30,
      lastDropAt: '2025-03-04T09:00:00Z',
    });
    expect(
      selfProblems({ ...healthy, components: { alerter: up(), collector: calm } }, at),
    ).toEqual([]);
  });
});
