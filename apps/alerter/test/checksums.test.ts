import { open } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import { startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';
import {
  freshDatastore,
  startTestServers,
  testMajors,
  TEST_PASSWORD,
  TEST_SERVER_SETTINGS,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { runCycle } from '../src/cycle/run';
import { syncCatalog } from '@pgvigil/alerting';
import { addServer, collect, query, until } from './fixtures';

/**
 * checksum_failures against real corruption: a server initialised with data
 * checksums, one page of a table overwritten on disk while it is stopped, then
 * read after the restart (nothing of it is in shared buffers any more).
 */
describe.each(testMajors())('checksum_failures with a corrupted page on PostgreSQL %i', (major) => {
  let cluster: Awaited<ReturnType<typeof startTestServers>>;
  let restarted: EmbeddedServer | undefined;
  let ds: TestDatastore;

  beforeAll(async () => {
    cluster = await startTestServers([major], {}, { dataChecksums: true });
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
  }, 60_000);
  afterAll(async () => {
    await restarted?.stop();
    await ds?.drop();
    await cluster?.stop();
  });

  it('fires when a page fails verification and clears an hour after the last failure', async () => {
    let url = cluster.servers.get(major)!.url('postgres');
    expect(
      (await query<{ c: string }>(url, `SELECT current_setting('data_checksums') AS c`))[0]!.c,
    ).toBe('on');
    const serverId = await addServer(ds.db, 'checksums', url);
    const rule = (await listRules(ds.db)).find((r) => r.key === 'checksum_failures')!;
    await updateRule(ds.db, { id: rule.id, forSeconds: 0 });
    const state = async () =>
      (await listAlerts(ds.db, { serverId, ruleId: rule.id })).find(
        (a) => a.object_key === 'postgres',
      )?.state ?? 'none';
    let at = new Date();
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 't', startedAt: at });
    const step = async (seconds: number) => {
      at = new Date(at.getTime() + seconds * 1000);
      await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1`, [at]);
      await collect(ds.db, serverId, url, 'database_stats', at);
      await runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });
    };

    await query(
      url,
      `CREATE TABLE victim AS SELECT g AS id, repeat('v', 100) AS pad FROM generate_series(1, 1000) g`,
    );
    const [file] = await query<{ f: string }>(url, `SELECT pg_relation_filepath('victim') AS f`);
    await query(url, 'CHECKPOINT');
    await step(0);
    expect(await state()).toBe('none');

    const dataDir = path.join(cluster.root, `pg${major}`);
    await cluster.servers.get(major)!.stop();
    // garbage in the middle of block 0: the header parses, the checksum does not match
    const handle = await open(path.join(dataDir, file!.f), 'r+');
    await handle.write(Buffer.alloc(64, 0xa5), 0, 64, 4000);
    await handle.close();
    restarted = await startEmbedded({
      dataDir,
      major,
      superuserPassword: TEST_PASSWORD,
      settings: { ...TEST_SERVER_SETTINGS },
    });
    url = restarted.url('postgres');
    await ds.db.query('UPDATE servers SET port = $1 WHERE id = $2', [restarted.port, serverId]);
    await expect(query(url, 'SELECT count(*) FROM victim')).rejects.toMatchObject({
      code: 'XX001', // data_corrupted: invalid page in block 0
    });
    const failures = async () =>
      Number(
        (
          await query<{ n: string }>(
            url,
            `SELECT coalesce(checksum_failures, 0) AS n FROM pg_stat_database WHERE datname = 'postgres'`,
          )
        )[0]!.n,
      );
    await until('the failure counted', async () => (await failures()) > 0);
    await step(60);
    expect(await state()).toBe('firing');

    // the runbook's repair: the relation restored (here: dropped); the counter stays,
    // and the rule looks at its increase over the last hour
    await query(url, 'DROP TABLE victim');
    await step(3700);
    await step(60);
    expect(await state()).toBe('resolved');
  }, 90_000);
});
