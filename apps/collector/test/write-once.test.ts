import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError, type Db } from '@pgvigil/db';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';
import { count, testCollector } from './helpers';

const major = testMajors().at(-1)!;
const connectivity = getProbe('connectivity')!;

/**
 * The datastore commits a write and dies before the collector hears so: the
 * collector cannot tell, keeps the samples and writes them again when it can.
 * The ledger row committed with the first attempt makes the second one a no-op.
 */
describe(`a write whose answer was lost is not written twice (PostgreSQL ${major})`, () => {
  let ds: TestDatastore;
  let lostAnswers = 0;

  beforeAll(async () => {
    ds = await freshDatastore(major);
  });
  afterAll(async () => {
    await ds?.drop();
  });

  it('retries with the same write id and the ledger skips it', async () => {
    const db: Db = {
      ...ds.db,
      async tx(fn) {
        const result = await ds.db.tx(fn);
        if (lostAnswers > 0) {
          lostAnswers--;
          throw new UnavailableError('The connection to the datastore was lost');
        }
        return result;
      },
    };
    const collector = testCollector(db, 'write-once', { probes: [connectivity] });
    await collector.tick(); // creates the table and its partitions
    const at = Date.now();
    for (let i = 0; i < 3; i++) {
      collector.buffer.add(connectivity, {
        collectedAt: new Date(at + i * 1000),
        serverId: 1,
        rows: [{ up: true, connect_ms: 1, error_code: null, error_message: null }],
      });
    }
    lostAnswers = 1;
    await collector.flush();
    expect(collector.buffer.rows).toBe(3); // kept: the collector cannot know it committed
    await collector.flush();
    expect(collector.buffer.rows).toBe(0);
    expect(await count(ds.db, 'SELECT count(*)::int AS n FROM metrics.connectivity')).toBe(3);
    expect(collector.info().droppedRows).toBe(0);
    await collector.halt();
  });
});
