import pg from 'pg';
import type { Db } from '@pgvigil/db';
import {
  ensureMetricTable,
  missingQueryIds,
  saveQueryTexts,
  writeSamples,
  type SampleBatch,
} from '@pgvigil/db/metrics';
import {
  diffSnapshot,
  fetchQueryTexts,
  getProbe,
  loadProbeContext,
  runProbe,
  snapshotHash,
  type DeltaSnapshot,
  type ProbeDefinition,
} from '@pgvigil/probes';

/**
 * The collector's part of a cycle for several probes on one session, with the
 * collector's own rules: statements as deltas against the previous run (texts of
 * new queryids stored), change-tracked probes stored only when they changed, an
 * unavailable probe (pg_stat_io before 16) skipped. Time is the caller's `at`.
 */
export class IncidentCollector {
  private readonly deltas = new Map<string, DeltaSnapshot>();
  private readonly hashes = new Map<string, string>();
  private readonly probes: ProbeDefinition[];
  private client: pg.Client | null = null;
  private ctx: Awaited<ReturnType<typeof loadProbeContext>> | null = null;

  constructor(
    private readonly db: Db,
    private readonly serverId: number,
    private readonly url: string,
    probes: readonly string[],
  ) {
    this.probes = probes.map((p) => {
      const probe = getProbe(p);
      if (!probe) throw new Error(`no probe ${p}`);
      return probe;
    });
  }

  async collect(at: Date): Promise<void> {
    if (!this.client) {
      this.client = new pg.Client({ connectionString: this.url, application_name: 'pgvigil' });
      await this.client.connect();
      const v = await this.client.query<{ v: number }>(
        `SELECT current_setting('server_version_num')::int AS v`,
      );
      this.ctx = await loadProbeContext(this.client, v.rows[0]!.v);
    }
    const batches: SampleBatch[] = [];
    for (const probe of this.probes) {
      const result = await runProbe(this.client, probe, this.ctx!);
      if (result.status === 'unavailable') continue;
      if (result.status !== 'ok') throw new Error(`${probe.name}: ${result.reason}`);
      let rows = result.rows;
      if (probe.mode === 'delta') {
        const diff = diffSnapshot(probe, this.deltas.get(probe.name), rows, at);
        this.deltas.set(probe.name, diff.snapshot);
        rows = diff.rows;
        const ids = [...new Set(rows.map((r) => String(r.queryid)))].filter((id) =>
          /^-?\d+$/.test(id),
        );
        const missing = await missingQueryIds(this.db, this.serverId, ids);
        await saveQueryTexts(
          this.db,
          this.serverId,
          await fetchQueryTexts(this.client, missing),
          at,
        );
      } else if (probe.changeTracked) {
        const hash = snapshotHash(probe, rows);
        if (this.hashes.get(probe.name) === hash) continue;
        this.hashes.set(probe.name, hash);
      }
      await ensureMetricTable(this.db, probe, at);
      batches.push({ spec: probe, samples: [{ collectedAt: at, serverId: this.serverId, rows }] });
    }
    await writeSamples(this.db, batches);
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
