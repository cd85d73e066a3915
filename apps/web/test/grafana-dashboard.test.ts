import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROBES } from '@pgvigil/probes';
import { probeMetricNames, renderExposition } from '@/server/prometheus';

const root = path.join(import.meta.dirname, '..', '..', '..');

/** pgvigil's own series, as a scrape names them (counters with _total). */
async function selfMetricNames(): Promise<Set<string>> {
  const at = new Date();
  const { body } = await renderExposition(
    {
      datastore: { up: true, latencyMs: 1 },
      heartbeats: [
        {
          component: 'collector',
          instance_id: 'c',
          started_at: at,
          last_seen_at: at,
          info: { probeRuns: 1, probeFailures: 1, bufferedRows: 1, scheduleLatenessP99Ms: 1 },
        },
      ],
      servers: [{ state: 'up', count: 1 }],
      outbox: [{ status: 'pending', count: 1 }],
      alerts: [{ state: 'firing', severity: 'warning', count: 1 }],
    },
    { series: [], dropped: 0 },
    at,
    60_000,
  );
  const names = new Set<string>();
  for (const m of body.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[2] === 'counter' ? `${m[1]}_total` : m[1]!);
  }
  return names;
}

describe('docs/grafana/pgvigil.json', () => {
  it('queries only series a scrape of /metrics holds', async () => {
    const dashboard = JSON.parse(
      await readFile(path.join(root, 'docs', 'grafana', 'pgvigil.json'), 'utf8'),
    ) as { panels: { title: string; targets: { expr: string }[] }[] };
    const known = new Set([...(await selfMetricNames()), ...probeMetricNames(PROBES)]);
    const queried = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) => [...t.expr.matchAll(/\bpgvigil_[a-z0-9_]+/g)].map((m) => m[0])),
    );
    expect(queried.length).toBeGreaterThan(10);
    expect(queried.filter((name) => !known.has(name))).toEqual([]);
  });
});
