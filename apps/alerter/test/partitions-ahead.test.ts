import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDb,
  dailyPartition,
  partitionCoverage,
  runPartitionMaintenance,
  type Db,
} from '@pgvigil/db';
import { listAlerts, listRules } from '@pgvigil/db/alerting';
import { ensureMetricTable } from '@pgvigil/db/metrics';
import {
  freshDatastore,
  mountSmallFilesystem,
  serverUrl,
  smallFilesystemUnavailable,
  tablespaceOn,
  testMajors,
  type SmallFilesystem,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';
import { syncCatalog } from '@pgvigil/alerting';
import { runCycle } from '../src/cycle/run';

const major = testMajors().at(-1)!;
const DAY = 86_400_000;
const unavailable = smallFilesystemUnavailable();
if (unavailable) console.log(`partitions_ahead on a full disk: skipped, ${unavailable}`);

/**
 * pgvigil's own alert: its metrics partitions are created days ahead; when that
 * keeps failing (here the datastore's disk is full, so no new file can be made),
 * the alert fires while the last partition still has hours to run, before any sample
 * has nowhere to go, and it clears once upkeep succeeds again.
 */
describe.skipIf(unavailable)(`partitions_ahead on a full disk (PostgreSQL ${major})`, () => {
  let ds: TestDatastore;
  let admin: Db;
  let db: Db;
  let fs: SmallFilesystem;
  let tablespace: Awaited<ReturnType<typeof tablespaceOn>>;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    admin = createDb({ url: serverUrl(major), applicationName: 'pgvigil-test', max: 1 });
    fs = await mountSmallFilesystem(16, 400);
    tablespace = await tablespaceOn(admin, fs, ds.name);
    db = createDb({ url: ds.url, applicationName: 'pgvigil-test' });
  });
  afterAll(async () => {
    try {
      await db?.close();
      await ds?.drop();
      await tablespace?.drop();
    } finally {
      await admin?.close();
      await fs?.close();
    }
  });

  it('fires before the last partition ends when upkeep fails, and clears when it works', async () => {
    const now = new Date();
    await ensureMetricTable(db, getProbe('connectivity')!, now); // today - 1 .. today + 3
    const lastEnd = dailyPartition('connectivity', new Date(now.getTime() + 3 * DAY)).to;
    const rule = (await listRules(db)).find((r) => r.key === 'partitions_ahead')!;
    const alert = async () =>
      (await listAlerts(db, { ruleId: rule.id })).find((a) => a.object_key === 'connectivity');
    const cycle = (at: Date) =>
      runCycle(db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });

    await fs.fill();
    // a day and a half before the last partition ends: upkeep has failed for over a day
    let at = new Date(lastEnd.getTime() - 36 * 3_600_000);
    const failed = await runPartitionMaintenance(db, at);
    expect(failed.errors.find((e) => e.table === 'connectivity')?.message).toMatch(
      /No space left on device/,
    );
    await cycle(at);
    expect(await alert()).toMatchObject({ state: 'firing', severity: 'warning' });
    // 18:00 UTC on the last covered day: six hours before samples would have nowhere to go
    at = new Date(lastEnd.getTime() - 6 * 3_600_000);
    expect(await runPartitionMaintenance(db, at)).toMatchObject({ created: [] });
    await cycle(at);
    expect(await alert()).toMatchObject({ state: 'firing', severity: 'critical' });
    expect((await partitionCoverage(db, at)).find((c) => c.table === 'connectivity')).toEqual({
      table: 'connectivity',
      secondsAhead: 6 * 3600,
    });

    await fs.free();
    const fixed = await runPartitionMaintenance(db, at);
    expect(fixed.errors).toEqual([]);
    expect(fixed.created.length).toBeGreaterThan(0);
    await cycle(at);
    expect((await alert())?.state).toBe('resolved');
  });
});
