import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import { listConfigDrift, markConfigBaseline } from '@pgvigil/db/dashboard';
import { writeSamples } from '@pgvigil/db/metrics';
import { getProbe } from '@pgvigil/probes';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { syncCatalog } from '@pgvigil/alerting';
import { runCycle } from '../src/cycle/run';
import { addServer, collect, query } from './fixtures';

/**
 * config_drift against a real server: a setting changed for the monitored database
 * (ALTER DATABASE, so the shared test server is left alone) after the configuration was
 * marked known-good; cleared by reverting it, then by marking the change.
 */
const major = testMajors()[0]!;

describe(`config_drift on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let monitored: TestDatabase;
  let serverId: number;
  let at = new Date();
  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    monitored = await freshDatabase(major, 'drift');
    serverId = await addServer(ds.db, `drift-${major}`, monitored.url);
  });
  afterAll(async () => {
    await monitored?.drop();
    await ds?.drop();
  });

  const state = async () => {
    const rule = (await listRules(ds.db)).find((r) => r.key === 'config_drift')!;
    return (await listAlerts(ds.db, { serverId, ruleId: rule.id }))[0]?.state ?? 'none';
  };
  const step = async () => {
    at = new Date(at.getTime() + 60_000);
    await collect(ds.db, serverId, monitored.url, 'settings', at);
    await collect(ds.db, serverId, monitored.url, 'hba_rules', at);
    await runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });
  };
  const setWorkMem = (value: string | null) =>
    query(
      monitored.url,
      value === null
        ? `ALTER DATABASE "${monitored.name}" RESET work_mem`
        : `ALTER DATABASE "${monitored.name}" SET work_mem = '${value}'`,
    );

  it('fires on a changed setting, clears on revert and on re-mark', async () => {
    const rule = (await listRules(ds.db)).find((r) => r.key === 'config_drift')!;
    await updateRule(ds.db, { id: rule.id, forSeconds: 0 });
    await step();
    expect(await state()).toBe('none'); // never marked: not judged
    const mark = await markConfigBaseline({ db: ds.db, input: { serverId, at } });
    expect(mark.settings).toBeGreaterThan(100);
    expect(mark.hbaLines).toBeGreaterThan(0);
    await step();
    expect(await state()).toBe('none');

    await setWorkMem('7MB');
    await step();
    expect(await state()).toBe('firing');
    const [diff] = await listConfigDrift(ds.db, [serverId]);
    expect(diff).toMatchObject({ kind: 'setting', name: 'work_mem', after: '7168' });

    await setWorkMem(null);
    await step();
    expect(await state()).toBe('resolved');

    await setWorkMem('9MB');
    await step();
    expect(await state()).toBe('firing');
    await markConfigBaseline({ db: ds.db, input: { serverId, at } });
    await step();
    expect(await state()).toBe('resolved');
  });

  it('lists pg_hba.conf lines added and removed since the mark', async () => {
    // the shared server's pg_hba.conf is not ours to edit: the newest snapshot is the
    // collected one with its last line changed, as the collector would store an edit
    at = new Date(at.getTime() + 60_000);
    const rows = await collect(ds.db, serverId, monitored.url, 'hba_rules', at);
    expect(await listConfigDrift(ds.db, [serverId])).toEqual([]);
    const last = rows[rows.length - 1]!;
    const edited = last.auth_method === 'reject' ? 'trust' : 'reject';
    at = new Date(at.getTime() + 60_000);
    await writeSamples(ds.db, [
      {
        spec: getProbe('hba_rules')!,
        samples: [
          {
            collectedAt: at,
            serverId,
            rows: [...rows.slice(0, -1), { ...last, auth_method: edited }],
          },
        ],
      },
    ]);
    const hba = (await listConfigDrift(ds.db, [serverId])).filter((d) => d.kind === 'hba');
    expect(hba).toHaveLength(2);
    expect(hba.find((d) => d.after !== null)?.after).toContain(edited);
    expect(hba.find((d) => d.before !== null)?.before).toContain(String(last.auth_method));
  });
});
