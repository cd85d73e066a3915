import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, setOverride, updateRule } from '@pgvigil/db/alerting';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { explainPlan, withPlanFingerprints } from '@pgvigil/probes';
import { syncCatalog } from '@pgvigil/alerting';
import { runCycle } from '../src/cycle/run';
import { addChannel, addServer, collect } from './fixtures';

// Generic plans of the $1 statement need 16+; plain EXPLAIN on 14 is the probes' test.
const majors = testMajors().filter((m) => m >= 16);
const STATEMENT = 'SELECT id, pad FROM orders WHERE customer = $1';

describe.each(majors)('plan_regression on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  let monitored: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    monitored = await freshDatabase(major, 'mon');
    client = new pg.Client({ connectionString: monitored.url });
    await client.connect();
    await client.query(`
      CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
      CREATE TABLE orders (id serial PRIMARY KEY, customer int, pad text);
      INSERT INTO orders (customer, pad) SELECT g % 2000, 'p' FROM generate_series(1, 100000) g;
      CREATE INDEX orders_customer_idx ON orders (customer);
      ANALYZE orders;`);
  });
  afterAll(async () => {
    await client?.end();
    await monitored?.drop();
    await ds?.drop();
  });

  it('fires when the plan flips to a seq scan after DROP INDEX, clears when the index returns', async () => {
    const serverId = await addServer(ds.db, `plans-${major}`, monitored.url);
    await addChannel(ds.db, 'webhook', 'sink', { url: 'http://127.0.0.1:9/never-delivered' });
    const rule = (await listRules(ds.db)).find((r) => r.key === 'plan_regression')!;
    await updateRule(ds.db, { id: rule.id, forSeconds: 0 });
    await setOverride(ds.db, {
      ruleId: rule.id,
      scopeType: 'server',
      scopeId: serverId,
      params: { min_calls: 20 },
    });
    await recordHeartbeat(ds.db, {
      component: 'collector',
      instanceId: `test-${major}`,
      startedAt: new Date(),
    });
    const version = Number(
      (await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`))
        .rows[0]!.v,
    );
    // what the collector does: explain the statement's stored text, mark rows with the result
    const fingerprints = new Map<string, string>();
    const capture = async () => {
      const r = await client.query<{ queryid: string; query: string }>(
        `SELECT queryid::text AS queryid, query FROM pg_stat_statements
          WHERE query = $1 AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [STATEMENT],
      );
      const plan = await explainPlan(client, r.rows[0]!.query, version);
      if (plan.status !== 'ok') throw new Error(plan.reason);
      fingerprints.set(r.rows[0]!.queryid, plan.fingerprint);
      return r.rows[0]!.queryid;
    };
    const work = async () => {
      for (let i = 0; i < 30; i++) await client.query(STATEMENT, [i * 7]);
    };
    let at = new Date();
    const step = async () => {
      at = new Date(at.getTime() + 60_000);
      await collect(ds.db, serverId, monitored.url, 'statements', at, {
        annotate: (rows) => withPlanFingerprints(rows, fingerprints),
      });
      await runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });
    };
    const state = async () =>
      (await listAlerts(ds.db, { serverId, ruleId: rule.id }))[0]?.state ?? 'none';

    await step(); // the statements probe's baseline
    await work();
    const queryid = await capture();
    await step();
    await work();
    await step();
    expect(await state()).toBe('none');

    await client.query('DROP INDEX orders_customer_idx');
    const indexed = fingerprints.get(queryid);
    await capture();
    expect(fingerprints.get(queryid)).not.toBe(indexed);
    await work();
    await step();
    expect(await state()).toBe('firing');
    const [queued] = await ds.db.query<{ link: string }>(
      `SELECT payload->>'link' AS link FROM notification_outbox
        WHERE kind = 'firing' AND payload->'rule'->>'key' = 'plan_regression'`,
    );
    expect(queued!.link).toBe(
      `http://x/servers/${serverId}/queries/${encodeURIComponent(queryid)}#plan-diff`,
    );

    await client.query('CREATE INDEX orders_customer_idx ON orders (customer); ANALYZE orders');
    await capture();
    expect(fingerprints.get(queryid)).toBe(indexed);
    await work();
    await step();
    expect(await state()).toBe('resolved');
  });
});
