import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomRule, listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import { ensureMetricTable, refreshRollup } from '@pgvigil/db/metrics';
import { freshDatastore, serverUrl, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { customDefinition, previewCustomRule, syncCatalog } from '@pgvigil/alerting';
import { getProbe } from '@pgvigil/probes';
import { runCycle } from '../src/cycle/run';
import { addServer, collect } from './fixtures';

const major = testMajors()[testMajors().length - 1]!;
const DAY = 86_400_000;
const WEEK = 7 * 86_400;

/**
 * An editor's custom rule with the widest window (7 days) over a week of seeded
 * history must neither read the week's raw rows nor hold up the other rules: it
 * reads the 5-minute rollups, and when its own read fails or runs past its budget,
 * only it is skipped (the error kept on the rule); the others fire in that cycle.
 */
describe(`alert cycle isolation on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let serverId = 0;
  let customId = 0;
  let connectionsId = 0;
  const at = new Date();
  const spec = getProbe('database_stats')!;
  const opts = {
    baseUrl: 'http://pgvigil.test',
    reminderSeconds: 0,
    includeTrends: false,
    ruleBudget: { timeoutMs: 1_000 },
  };
  /** A session of its own on the datastore holding a lock until released. */
  async function lock(table: string) {
    const c = new pg.Client({ connectionString: ds.url });
    await c.connect();
    await c.query('BEGIN');
    await c.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    return () => c.query('ROLLBACK').finally(() => c.end());
  }
  const stateOf = async (ruleId: number) =>
    (await listAlerts(ds.db, { serverId, ruleId }))[0]?.state ?? 'none';
  const ruleRow = async (id: number) => (await listRules(ds.db)).find((r) => r.id === id)!;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    serverId = await addServer(ds.db, 'isolated', serverUrl(major));
    // a week of database_stats every 5 minutes: one new session every 6 s
    for (const daysBack of [8, 6, 4, 2, 0])
      await ensureMetricTable(ds.db, spec, new Date(at.getTime() - daysBack * DAY));
    const from = new Date(at.getTime() - 7 * DAY - 3_600_000);
    await ds.db.query(
      `INSERT INTO metrics.database_stats (collected_at, server_id, datname, sessions)
       SELECT t, $1, 'app', (extract(epoch FROM t - $2::timestamptz) / 6)::bigint
         FROM generate_series($2::timestamptz, $3::timestamptz, interval '5 minutes') t`,
      [serverId, from, new Date(at.getTime() - 60_000)],
    );
    await refreshRollup(ds.db, spec, '5m', {
      from,
      to: new Date(Math.floor(at.getTime() / 300_000) * 300_000),
    });
    const custom = await createCustomRule(ds.db, {
      key: 'custom.weekly_sessions',
      name: 'Sessions over the week',
      probe: 'database_stats',
      definition: customDefinition.parse({
        probe: 'database_stats',
        column: 'sessions',
        aggregation: 'rate',
        windowSeconds: WEEK,
        operator: '>',
      }),
      warning: 0.1,
      critical: null,
      forSeconds: 0,
    });
    customId = custom.id;
    const connections = (await listRules(ds.db)).find((r) => r.key === 'connections_used')!;
    connectionsId = connections.id;
    await updateRule(ds.db, { id: connectionsId, warning: 0.0001, forSeconds: 0 });
    await collect(ds.db, serverId, serverUrl(major), 'activity_extremes', at);
  });
  afterAll(() => ds?.drop());

  it('the 7-day rule reads rollups, not raw rows: a week-old raw partition held by another session stops nothing', async () => {
    const [old] = await ds.db.query<{ part: string }>(
      `SELECT tableoid::regclass::text AS part FROM metrics.database_stats WHERE collected_at < $1 LIMIT 1`,
      [new Date(at.getTime() - 5 * DAY)],
    );
    const release = await lock(old!.part);
    try {
      const result = await runCycle(ds.db, at, opts);
      expect(result.failed).toBe(0);
      expect(await stateOf(connectionsId)).toBe('firing');
      expect(await stateOf(customId)).toBe('firing');
    } finally {
      await release();
    }
  });

  it('when the rule’s own read runs past its budget, only it is skipped and the error is kept on it', async () => {
    const release = await lock('metrics.database_stats_5m');
    try {
      await updateRule(ds.db, { id: connectionsId, warning: 50 });
      const result = await runCycle(ds.db, new Date(at.getTime() + 60_000), opts);
      expect(result.failed).toBe(1);
      // the others were evaluated in that same cycle (this one resolved)
      expect(await stateOf(connectionsId)).toBe('resolved');
      expect(await stateOf(customId)).toBe('firing');
      const failed = await ruleRow(customId);
      expect(failed.last_error).toMatch(/database_stats_5m took longer than 1 s/);
      expect(failed.last_error_at).toBeInstanceOf(Date);
      expect((await ruleRow(connectionsId)).last_error).toBeNull();
    } finally {
      await release();
    }
    await runCycle(ds.db, new Date(at.getTime() + 120_000), opts);
    expect((await ruleRow(customId)).last_error).toBeNull();
  });

  it('a custom rule whose stored definition no longer validates is reported, not silently dropped', async () => {
    await ds.db.query(
      `UPDATE rules SET definition = definition || '{"aggregation": "max"}' WHERE id = $1`,
      [customId],
    );
    const result = await runCycle(ds.db, new Date(at.getTime() + 180_000), opts);
    expect(result.failed).toBe(1);
    expect((await ruleRow(customId)).last_error).toMatch(
      /sessions is a counter: over 6 hours judge it by rate or delta/,
    );
  });

  it('previews are bounded: rollups for a wide window, a 400 past the row or time budget', async () => {
    const input = (windowSeconds: number) => ({
      definition: customDefinition.parse({
        probe: 'database_stats',
        column: 'sessions',
        aggregation: 'rate',
        windowSeconds,
        operator: '>',
      }),
      warning: 0.1,
      critical: null,
      forSeconds: 0,
    });
    const [old] = await ds.db.query<{ part: string }>(
      `SELECT tableoid::regclass::text AS part FROM metrics.database_stats WHERE collected_at < $1 LIMIT 1`,
      [new Date(at.getTime() - 5 * DAY)],
    );
    const releaseRaw = await lock(old!.part);
    try {
      const week = await previewCustomRule({ db: ds.db, input: input(WEEK), at });
      expect(week.preview.firing).toBe(1);
    } finally {
      await releaseRaw();
    }
    await expect(
      previewCustomRule({ db: ds.db, input: input(6 * 3600), at, budget: { maxRows: 10 } }),
    ).rejects.toThrow(/more than 10 rows/);
    const releaseRollup = await lock('metrics.database_stats_5m');
    try {
      await expect(
        previewCustomRule({ db: ds.db, input: input(WEEK), at, budget: { timeoutMs: 500 } }),
      ).rejects.toThrow(/took longer than 0.5 s/);
    } finally {
      await releaseRollup();
    }
  });
});
