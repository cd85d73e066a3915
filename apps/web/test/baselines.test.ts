import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '@pgvigil/db';
import { createApiToken, createUser } from '@pgvigil/db/accounts';
import { setOverride, syncBuiltinRules } from '@pgvigil/db/alerting';
import { ensureMetricTable, refreshRollup, writeSamples } from '@pgvigil/db/metrics';
import { createServer } from '@pgvigil/db/registry';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';
import * as baselines from '@/app/api/v1/servers/[id]/baselines/[rule]/route';
import { digest, newApiToken } from '@/server/auth';
import { call, webDatastore, type Handler } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const h = (fn: unknown) => fn as Handler;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** history starts here; the baseline is warm a week later */
const start = new Date('2026-03-02T00:00:00Z');
const DAYS = 14;
const end = new Date(start.getTime() + DAYS * DAY);

/** Commits per second of each database: a daily shape, the same every day. */
const rate = (db: string, t: number) => (db === 'app' ? 10 + new Date(t).getUTCHours() : 5);

interface Point {
  at: string;
  lower: number | null;
  median: number | null;
  upper: number | null;
  source: string | null;
}

describe(`anomaly baselines API on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let token: string;
  let serverId: number;
  let otherServerId: number;

  const get = (rule: string, query: string, id = serverId) =>
    call(h(baselines.GET), {
      path: `/api/v1/servers/${id}/baselines/${rule}?${query}`,
      token,
      params: { id: String(id), rule },
    });
  const window = (from: Date, to: Date, extra = '') =>
    `from=${from.toISOString()}&to=${to.toISOString()}${extra}`;

  beforeAll(async () => {
    ds = await webDatastore(major);
    const user = await createUser(ds.db, { username: 'v', passwordHash: 'x', role: 'viewer' });
    const t = newApiToken();
    await createApiToken(ds.db, {
      userId: user.id,
      name: 't',
      prefix: t.prefix,
      tokenHash: digest(t.token),
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    token = t.token;
    const box = createSecretBox(randomBytes(32));
    serverId = (await createServer(ds.db, box, { name: 'seasoned', host: 'h', username: 'u' })).id;
    otherServerId = (await createServer(ds.db, box, { name: 'other', host: 'h', username: 'u' }))
      .id;
    await syncBuiltinRules(ds.db, [
      {
        key: 'anomaly_transactions',
        name: 'Transactions rate',
        kind: 'anomaly',
        probe: 'database_stats',
        definition: {},
        defaultSeverity: 'warning',
        warning: 3,
        critical: null,
        forSeconds: 900,
        enabled: true,
      },
    ]);

    // two databases sampled every 10 minutes for two weeks, counters growing at `rate`,
    // then rolled up hourly like the collector's housekeeping does
    const spec = getProbe('database_stats')!;
    for (let d = 0; d <= DAYS; d++)
      await ensureMetricTable(ds.db, spec, new Date(start.getTime() + d * DAY));
    const total: Record<string, number> = { app: 0, reports: 0 };
    const samples = [];
    for (let t = start.getTime(); t <= end.getTime(); t += 600_000) {
      const rows = ['app', 'reports'].map((db) => {
        total[db]! += rate(db, t) * 600;
        return { datname: db, xact_commit: total[db], xact_rollback: 0 };
      });
      samples.push({ collectedAt: new Date(t), serverId, rows });
    }
    await writeSamples(ds.db, [{ spec, samples }]);
    await refreshRollup(ds.db, spec, '1h', { from: new Date(start.getTime() - HOUR), to: end });
  }, 120_000);
  afterAll(() => ds.drop());

  it('draws the seasonal band of one database from two weeks of hourly rollups', async () => {
    const from = new Date(end.getTime() - 6 * HOUR);
    const res = await get('anomaly_transactions', window(from, end, '&object=app'));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      rule: 'anomaly_transactions',
      object: 'app',
      unit: 'per_second',
      ready: true,
      reason: null,
      sensitivity: { value: 3, source: 'global' },
    });
    const points = res.json.points as Point[];
    expect(points).toHaveLength(6);
    for (const p of points) {
      // same hour of each earlier day: 14 samples, too few of the same weekday hour
      const median = rate('app', Date.parse(p.at));
      expect(p.source).toBe('hour_of_day');
      expect(p.median).toBeCloseTo(median, 6);
      // no spread at all: the band is the 5% floor, three times on each side
      expect(p.upper).toBeCloseTo(median * 1.15, 6);
      expect(p.lower).toBeCloseTo(median * 0.85, 6);
    }
  });

  it('without an object, bands the server total (every database added up)', async () => {
    const from = new Date(end.getTime() - 2 * HOUR);
    const res = await get('anomaly_transactions', window(from, end));
    const points = res.json.points as Point[];
    expect(points).toHaveLength(2);
    for (const p of points)
      expect(p.median).toBeCloseTo(rate('app', Date.parse(p.at)) + rate('reports', 0), 6);
  });

  it("follows the rule's effective sensitivity on this server", async () => {
    const [rule] = await ds.db.query<{ id: number }>(
      `SELECT id FROM rules WHERE key = 'anomaly_transactions'`,
    );
    await setOverride(ds.db, {
      ruleId: rule!.id,
      scopeType: 'server',
      scopeId: serverId,
      warning: 2,
    });
    const from = new Date(end.getTime() - HOUR);
    const res = await get('anomaly_transactions', window(from, end, '&object=reports'));
    expect(res.json.sensitivity).toMatchObject({ value: 2, source: 'server' });
    const [p] = res.json.points as Point[];
    expect(p!.median).toBeCloseTo(5, 6);
    expect(p!.upper).toBeCloseTo(5 * 1.1, 6);
    const other = await get('anomaly_transactions', window(from, end), otherServerId);
    expect(other.json.sensitivity).toMatchObject({ value: 3, source: 'global' });
  });

  it('draws nothing before a week of history, then the band', async () => {
    const warm = new Date(start.getTime() + 7 * DAY);
    const res = await get(
      'anomaly_transactions',
      window(
        new Date(warm.getTime() - 6 * HOUR),
        new Date(warm.getTime() + 6 * HOUR),
        '&object=app',
      ),
    );
    expect(res.status).toBe(200);
    const points = res.json.points as Point[];
    expect(points).toHaveLength(12);
    // the first hour with a week of history before it is the first with a band
    const early = points.filter((p) => Date.parse(p.at) < warm.getTime());
    const late = points.filter((p) => Date.parse(p.at) >= warm.getTime());
    expect(early).toHaveLength(6);
    expect(early.every((p) => p.median === null && p.lower === null && p.source === null)).toBe(
      true,
    );
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((p) => p.median !== null)).toBe(true);

    const young = await get(
      'anomaly_transactions',
      window(
        new Date(start.getTime() + 2 * DAY),
        new Date(start.getTime() + 3 * DAY),
        '&object=app',
      ),
    );
    expect(young.json).toMatchObject({ ready: false, reason: expect.stringMatching(/warming up/) });
    expect((young.json.points as Point[]).every((p) => p.median === null)).toBe(true);

    const none = await get(
      'anomaly_transactions',
      window(new Date(end.getTime() - 3 * HOUR), end),
      otherServerId,
    );
    expect(none.json).toMatchObject({ ready: false, reason: 'no history yet' });
  });

  it('answers 404 for an unknown server or a rule that is not an anomaly, 400 for bad ranges', async () => {
    const w = window(new Date(end.getTime() - HOUR), end);
    expect((await get('anomaly_transactions', w, 999_999)).status).toBe(404);
    expect((await get('disk_full_forecast', w)).status).toBe(404);
    expect((await get('no_such_rule', w)).status).toBe(404);
    const backwards = await get(
      'anomaly_transactions',
      window(end, new Date(end.getTime() - HOUR)),
    );
    expect(backwards.status).toBe(400);
    expect(backwards.json.error).toMatchObject({ fields: { from: expect.any(String) } });
    const future = await get(
      'anomaly_transactions',
      `from=${new Date(Date.now() + DAY).toISOString()}`,
    );
    expect(future.status).toBe(400);
    const since = await get(
      'anomaly_transactions',
      `from=${new Date(Date.now() - 40 * DAY).toISOString()}`,
    );
    expect(since.status).toBe(400);
    const long = await get('anomaly_transactions', window(new Date(end.getTime() - 40 * DAY), end));
    expect(long.status).toBe(400);
    expect((await get('anomaly_transactions', 'from=yesterday')).status).toBe(400);
    const objectless = await get('anomaly_wal_bytes', `${w}&object=app`);
    expect(objectless.status).toBe(400);
    expect(objectless.json.error).toMatchObject({ fields: { object: expect.any(String) } });
    const anonymous = await call(h(baselines.GET), {
      path: `/api/v1/servers/${serverId}/baselines/anomaly_transactions`,
      params: { id: String(serverId), rule: 'anomaly_transactions' },
    });
    expect(anonymous.status).toBe(401);
  });
});
