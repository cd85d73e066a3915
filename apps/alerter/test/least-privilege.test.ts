import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts, listRules } from '@pgvigil/db/alerting';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { syncCatalog } from '@pgvigil/alerting';
import { helperSql } from '@pgvigil/probes';
import { runCycle } from '../src/cycle/run';
import { addServer, collect, query } from './fixtures';

/**
 * The rules under the role docs/permissions.md creates (pg_monitor and nothing else): a value
 * the role cannot read is never evaluated, the rule says it is unavailable and what shows it,
 * and once the documented helpers are installed the same rule sees the value and fires.
 */
describe.each(testMajors())('rules under least privilege on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  let monitored: TestDatabase;
  const mon = `pgvigil_mon_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    monitored = await freshDatabase(major, 'lprule');
    await query(
      monitored.url,
      `CREATE ROLE ${mon} LOGIN PASSWORD 'pw' CONNECTION LIMIT 5;
       GRANT pg_monitor TO ${mon};
       ALTER ROLE ${mon} SET statement_timeout = '10s';
       ALTER ROLE ${mon} SET lock_timeout = '2s';
       ALTER ROLE ${mon} SET idle_in_transaction_session_timeout = '30s';
       ALTER ROLE ${mon} SET default_transaction_read_only = on;
       CREATE TABLE big_keys (id int NOT NULL);
       CREATE SEQUENCE big_keys_seq AS bigint OWNED BY big_keys.id;
       SELECT setval('big_keys_seq', 2000000000);`,
    );
  });
  afterAll(async () => {
    await monitored?.drop();
    await query(monitored.url.replace(/\/[^/]*$/, '/postgres'), `DROP ROLE IF EXISTS ${mon}`).catch(
      () => undefined,
    );
    await ds?.drop();
  });

  it("'column_usage' on a sequence at 2,000,000,000: unavailable with the fix, then fires through the helper", async () => {
    const url = new URL(monitored.url);
    url.username = mon;
    url.password = 'pw';
    const serverId = await addServer(ds.db, `lp-${major}`, url.toString());
    const rule = (await listRules(ds.db)).find((r) => r.key === 'column_usage')!;
    const state = async () =>
      (await listAlerts(ds.db, { serverId, ruleId: rule.id })).find(
        (a) => a.object_key === 'public.big_keys_seq',
      )?.state ?? 'none';
    const cycle = async (at: Date) => {
      await collect(ds.db, serverId, url.toString(), 'sequences', at);
      await runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });
    };
    const unavailable = async () =>
      (await listRules(ds.db)).find((r) => r.key === 'column_usage')!.unavailable;

    const at = new Date();
    await cycle(at);
    // pg_monitor alone: last_value is hidden, so nothing is evaluated, and the rule says why
    expect(await state()).toBe('none');
    expect(await unavailable()).toMatch(
      new RegExp(
        `^unavailable for 1 object\\(s\\), e\\.g\\. lp-${major} / ${monitored.name} / public\\.big_keys_seq: no privilege to read last_value: .*install the helper pgvigil\\.sequence_last_value\\(regclass\\)`,
      ),
    );

    await query(monitored.url, helperSql(mon));
    await cycle(new Date(at.getTime() + 60_000));
    expect(await state()).toBe('firing');
    expect(await unavailable()).toBeNull();
  });
});
