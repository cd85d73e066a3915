import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, recordHeartbeat } from '@pgvigil/db';
import { createApiToken, createUser } from '@pgvigil/db/accounts';
import { readLatestSeries, readSelfFacts } from '@pgvigil/db/exposition';
import { ensureMetricTable, writeSamples } from '@pgvigil/db/metrics';
import { createServer } from '@pgvigil/db/registry';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { getProbe, loadProbeContext, runProbe } from '@pgvigil/probes';
import * as metrics from '@/app/api/v1/metrics/route';
import * as servers from '@/app/api/v1/servers/route';
import { digest, newApiToken } from '@/server/auth';
import { renderExposition } from '@/server/prometheus';
import { call, webDatastore, type Handler } from './helpers';

const major = testMajors()[0] ?? 14;
const h = (fn: unknown) => fn as Handler;

interface Family {
  name: string;
  type: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/**
 * Parses with Prometheus' own Python client (Debian's python3-prometheus-client for the
 * system /usr/bin/python3, which
 * `npm test` and .ci/run install): its OpenMetrics parser is strict and throws on any
 * line a Prometheus would refuse.
 */
function parseOpenMetrics(text: string): Family[] {
  const script = `
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
out = [{"name": f.name, "type": f.type,
        "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]}
       for f in text_string_to_metric_families(sys.stdin.read())]
print(json.dumps(out))`;
  const r = spawnSync('/usr/bin/python3', ['-c', script], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the OpenMetrics parser refused the scrape: ${r.stderr}`);
  return JSON.parse(r.stdout) as Family[];
}

const sample = (families: Family[], name: string) =>
  families.flatMap((f) => f.samples).filter((s) => s.name === name);

/** The collector's part, with its own code: one probe run against the real server, stored. */
async function collect(ds: TestDatastore, serverId: number, probeName: string, at: Date) {
  const probe = getProbe(probeName)!;
  await ensureMetricTable(ds.db, probe, at);
  const client = new pg.Client({ connectionString: ds.url });
  await client.connect();
  try {
    const version = Number(
      (await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`))
        .rows[0]!.v,
    );
    const result = await runProbe(client, probe, await loadProbeContext(client, version));
    if (result.status !== 'ok') throw new Error(`${probeName}: ${result.reason}`);
    const database = probe.scope === 'database' ? new URL(ds.url).pathname.slice(1) : undefined;
    await writeSamples(ds.db, [
      {
        spec: probe,
        samples: [
          { collectedAt: at, serverId, rows: result.rows, ...(database ? { database } : {}) },
        ],
      },
    ]);
  } finally {
    await client.end();
  }
}

describe(`GET /metrics on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  const tokens: Record<'metrics' | 'read', string> = { metrics: '', read: '' };
  let serverId = 0;

  beforeAll(async () => {
    ds = await webDatastore(major);
    const user = await createUser(ds.db, { username: 'ops', passwordHash: 'x', role: 'viewer' });
    for (const scope of ['metrics', 'read'] as const) {
      const t = newApiToken();
      await createApiToken(ds.db, {
        userId: user.id,
        name: scope,
        prefix: t.prefix,
        tokenHash: digest(t.token),
        scope,
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      tokens[scope] = t.token;
    }
    const box = createSecretBox(randomBytes(32));
    const server = await createServer(ds.db, box, {
      name: 'orders "primary"',
      host: 'h',
      username: 'u',
    });
    serverId = server.id;
    const now = new Date();
    for (const probe of ['database_stats', 'activity_summary', 'activity_extremes']) {
      await collect(ds, serverId, probe, now);
    }
    await recordHeartbeat(ds.db, {
      component: 'collector',
      instanceId: 'c1',
      startedAt: now,
      info: { probeRuns: 120, probeFailures: 2, bufferedRows: 7, scheduleLatenessP99Ms: 40 },
    });
  });
  afterAll(() => ds.drop());

  it('gives a metrics token the probe series of every server, in OpenMetrics a parser accepts', async () => {
    const res = await call(h(metrics.GET), { path: '/metrics', token: tokens.metrics });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/openmetrics-text/);
    const families = parseOpenMetrics(res.text);
    const datname = new URL(ds.url).pathname.slice(1);
    const commits = sample(families, 'pgvigil_database_stats_xact_commit_total').find(
      (s) => s.labels.datname === datname,
    );
    expect(commits?.labels).toMatchObject({
      server: 'orders "primary"',
      server_id: String(serverId),
    });
    expect(commits?.value).toBeGreaterThan(0);
    expect(sample(families, 'pgvigil_activity_extremes_max_connections')[0]?.value).toBe(
      Number(
        (await ds.db.query<{ v: string }>(`SELECT current_setting('max_connections') AS v`))[0]!.v,
      ),
    );
    // pgvigil's own health is there too
    expect(sample(families, 'pgvigil_datastore_up')[0]?.value).toBe(1);
    expect(sample(families, 'pgvigil_collector_probe_runs_total')[0]).toMatchObject({
      labels: { instance: 'c1' },
      value: 120,
    });
    expect(sample(families, 'pgvigil_collector_schedule_lateness_p99_seconds')[0]?.value).toBe(
      0.04,
    );
    expect(sample(families, 'pgvigil_servers')[0]).toMatchObject({ value: 1 });
  });

  it('gives any other caller pgvigil’s own health only', async () => {
    const res = await call(h(metrics.GET), { path: '/metrics', token: tokens.read });
    expect(res.status).toBe(200);
    const families = parseOpenMetrics(res.text);
    expect(families.some((f) => f.name.startsWith('pgvigil_database_stats'))).toBe(false);
    expect(sample(families, 'pgvigil_component_up')[0]).toMatchObject({
      labels: { component: 'collector', instance: 'c1' },
      value: 1,
    });
  });

  it('refuses a caller without a token, and a metrics token anywhere but /metrics', async () => {
    expect((await call(h(metrics.GET), { path: '/metrics' })).status).toBe(401);
    const api = await call(h(servers.GET), { path: '/api/v1/servers', token: tokens.metrics });
    expect(api.status).toBe(403);
    expect(api.text).toMatch(/only scrape \/metrics/);
  });

  it('caps the series and counts what it left out', async () => {
    const full = await readLatestSeries(ds.db, new Date(), 1_000_000);
    expect(full.dropped).toBe(0);
    const capped = await readLatestSeries(ds.db, new Date(), 3);
    expect(capped.series).toHaveLength(3);
    expect(capped.dropped).toBe(full.series.length - 3);
    const { body } = await renderExposition(await readSelfFacts(ds.db), capped, new Date(), 60_000);
    const families = parseOpenMetrics(body);
    expect(sample(families, 'pgvigil_exposition_series')[0]?.value).toBe(3);
    expect(
      sample(families, 'pgvigil_exposition_series_dropped_total')[0]?.value,
    ).toBeGreaterThanOrEqual(full.series.length - 3);
  });
});
