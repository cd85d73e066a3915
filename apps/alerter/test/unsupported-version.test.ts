import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { communityEndOfLife, syncCatalog } from '@pgvigil/alerting';
import { runCycle } from '../src/cycle/run';
import { addServer, collect, query } from './fixtures';

/**
 * 'unsupported_version' judges the real server's major against the community's end of life at
 * the evaluation time, a parameter: 100 days before it the rule fires; the server's version
 * cannot be changed here, so it clears when an admin accepts the risk (the threshold lowered).
 */
describe.each(testMajors())('unsupported_version on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  let monitored: TestDatabase;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    monitored = await freshDatabase(major, 'eol');
  });
  afterAll(async () => {
    await monitored?.drop();
    await ds?.drop();
  });

  it('fires 100 days before end of life, clears when the threshold is lowered below that', async () => {
    const [v] = await query<{ v: number }>(
      monitored.url,
      `SELECT current_setting('server_version_num')::int AS v`,
    );
    expect(Math.floor(v!.v / 10000)).toBe(major);
    const serverId = await addServer(ds.db, `eol-${major}`, monitored.url);
    const rule = (await listRules(ds.db)).find((r) => r.key === 'unsupported_version')!;
    const state = async () =>
      (await listAlerts(ds.db, { serverId, ruleId: rule.id }))[0]?.state ?? 'none';
    const at = new Date(communityEndOfLife(major).getTime() - 100 * 86_400_000);
    const cycle = async (when: Date) => {
      await collect(ds.db, serverId, monitored.url, 'server_info', when);
      await runCycle(ds.db, when, {
        baseUrl: 'http://x',
        reminderSeconds: 0,
        includeTrends: false,
      });
    };
    await cycle(at);
    expect(await state()).toBe('firing');
    const [alert] = await listAlerts(ds.db, { serverId, ruleId: rule.id });
    expect(alert?.value).toBe(100);
    expect(alert?.severity).toBe('warning');
    await updateRule(ds.db, { id: rule.id, warning: 30 });
    await cycle(new Date(at.getTime() + 60_000));
    expect(await state()).toBe('resolved');
  });
});
