import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrate, readsMetrics, type Db } from '@pgvigil/db';
import type { EmbeddedServer } from '@pgvigil/db/embedded';
import { ensureMetricTable, readSeries, writeSamples, type MetricSpec } from '@pgvigil/db/metrics';
import { startStandby, startTestServers, testMajors } from '@pgvigil/db/testing';

// The web app's optional read replica (DATABASE_URL_READ) against a real streaming
// standby: metric reads go there, everything else to the primary, and a standby that
// goes away is no outage.
const major = testMajors().at(-1)!;

const spec: MetricSpec = {
  name: 'replica_probe',
  scope: 'instance',
  intervalSeconds: 60,
  retentionDays: 7,
  changeTracked: false,
  columns: [{ name: 'value', type: 'double' }],
};

describe(`read replica on PostgreSQL ${major}`, () => {
  let cluster: Awaited<ReturnType<typeof startTestServers>>;
  let standby: EmbeddedServer | undefined;
  let primary: Db;
  let routed: Db;

  beforeAll(async () => {
    cluster = await startTestServers([major]);
    const url = cluster.servers.get(major)!.url('postgres');
    primary = createDb({ url, applicationName: 'pgvigil-test' });
    await migrate(primary);
    await ensureMetricTable(primary, spec, new Date());
    standby = await startStandby(cluster, major, { name: 'reader' });
    routed = createDb({ url, readUrl: standby.url('postgres'), applicationName: 'pgvigil-test' });
  }, 120_000);
  afterAll(async () => {
    await routed?.close();
    await primary?.close();
    await standby?.stop();
    await cluster?.stop();
  });

  const inRecovery = async (sql: string) => (await routed.query<{ r: boolean }>(sql))[0]!.r;

  it('tells a metric read from everything else', () => {
    expect(readsMetrics('SELECT collected_at FROM metrics.wal WHERE server_id = $1')).toBe(true);
    expect(readsMetrics('WITH x AS (SELECT 1 FROM metrics.wal) SELECT * FROM x')).toBe(true);
    expect(readsMetrics('SELECT * FROM alerts')).toBe(false);
    expect(readsMetrics('DELETE FROM metrics.wal WHERE collected_at < $1')).toBe(false);
    expect(readsMetrics('SELECT 1 FROM metrics.wal FOR UPDATE')).toBe(false);
  });

  const metricRead =
    'SELECT pg_is_in_recovery() AS r, (SELECT count(*)::int FROM metrics.replica_probe) AS n';

  it('reads metrics from the standby and everything else from the primary', async () => {
    expect(await inRecovery(metricRead)).toBe(true);
    expect(await inRecovery('SELECT pg_is_in_recovery() AS r')).toBe(false);
    // a transaction writes: the primary, metric tables or not
    const inTx = await routed.tx((q) => q.query<{ r: boolean }>(metricRead));
    expect(inTx[0]!.r).toBe(false);
  });

  it("serves a chart from the standby once it has replayed the collector's rows", async () => {
    const t0 = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000);
    await writeSamples(routed, [
      {
        spec,
        samples: [0, 1, 2].map((k) => ({
          collectedAt: new Date(t0.getTime() + k * 60_000),
          serverId: 1,
          rows: [{ value: k }],
        })),
      },
    ]);
    const read = () =>
      readSeries(routed, {
        probe: spec.name,
        serverId: 1,
        columns: ['value'],
        from: t0,
        to: new Date(t0.getTime() + 5 * 60_000),
      });
    const deadline = Date.now() + 30_000;
    while ((await read()).points.length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect((await read()).points.map((p) => p.values.value)).toEqual([0, 1, 2]);
  });

  it('falls back to the primary while the standby is away', async () => {
    await standby!.stop();
    standby = undefined;
    expect(await inRecovery(metricRead)).toBe(false);
  });
});
