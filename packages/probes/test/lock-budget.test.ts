import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMajors, freshDatabase, type TestDatabase } from '@pgvigil/db/testing';
import { PROBES, RELATION_LOCK_BUDGET, runProbe, type ProbeClient } from '../src/index';
import { loadFixture, probeSession } from './helpers';

interface Held {
  relation: string;
  mode: string;
}

const LOCKS_SQL = `SELECT coalesce(relation::regclass::text, relation::text) AS relation, mode
                     FROM pg_locks WHERE pid = $1 AND locktype = 'relation'`;

/**
 * Wraps the probe's session: just before each COMMIT it lists the relation locks the
 * transaction holds (they are kept until the end of the transaction, so this sees every
 * lock a statement took and kept).
 */
function recordingClient(client: pg.Client, pid: number, seen: Held[][]): ProbeClient {
  return {
    async query(text, values) {
      if (text === 'COMMIT') seen.push((await client.query<Held>(LOCKS_SQL, [pid])).rows);
      return client.query(text, values);
    },
  };
}

describe.each(allMajors())('lock budget of every probe on PostgreSQL %i', (major) => {
  let target: TestDatabase;
  let session: Awaited<ReturnType<typeof probeSession>>;
  let sampler: pg.Client;
  let pid: number;

  beforeAll(async () => {
    target = await freshDatabase(major, 'locks');
    await loadFixture(target.url);
    session = await probeSession(target.url);
    pid = (await session.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!
      .pid;
    sampler = new pg.Client({ connectionString: target.url });
    await sampler.connect();
  });
  afterAll(async () => {
    await session?.client.end();
    await sampler?.end();
    await target?.drop();
  });

  it.each(PROBES.map((p) => [p.name, p] as const))('%s', async (_name, probe) => {
    const atCommit: Held[][] = [];
    const sampled: Held[][] = [];
    let running = true;
    // Another session samples the probe's locks while it runs, for the ones taken and
    // released within a statement.
    const sampling = (async () => {
      while (running) sampled.push((await sampler.query<Held>(LOCKS_SQL, [pid])).rows);
    })();
    const result = await runProbe(
      recordingClient(session.client, pid, atCommit),
      probe,
      session.ctx,
    ).finally(() => (running = false));
    await sampling;
    expect(result.status, result.status === 'ok' ? '' : result.reason).not.toBe('failed');
    const all = [...atCommit, ...sampled];
    const stronger = all.flat().filter((l) => l.mode !== 'AccessShareLock');
    expect(stronger, 'locks other than AccessShareLock').toEqual([]);
    const most = Math.max(0, ...all.map((held) => held.length));
    expect(most, 'relation locks held at once').toBeLessThanOrEqual(RELATION_LOCK_BUDGET);
  });
});
