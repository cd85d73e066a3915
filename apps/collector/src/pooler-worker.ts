import type { ProbeSettingRow, Sample } from '@pgvigil/db/metrics';
import {
  closeSession,
  runPoolerProbe,
  type ConnectResult,
  type PoolerProbeDefinition,
  type ProbeResult,
  type TargetConnection,
} from '@pgvigil/probes';
import { ChangeFilter, type StoredSnapshot } from './change-filter';
import { backoffMs, effectiveSettings, nextDue, takeDue } from './schedule';
import type { ServerRef, TargetStatus } from './server-worker';

export interface PoolerWorkerDeps {
  probes: readonly PoolerProbeDefinition[];
  settings(): readonly ProbeSettingRow[];
  /** opens a session to the pooler's admin console */
  connect(): Promise<ConnectResult>;
  sink(probe: PoolerProbeDefinition, sample: Sample): void;
  status(s: TargetStatus): void;
  lastSnapshot: StoredSnapshot;
  onResult(result: ProbeResult, latenessMs: number, first: boolean): void;
  now(): number;
  random(): number;
}

/** The probe whose table says whether the pooler answered (the "pooler down" rule reads it). */
const CONNECTIVITY = 'pgbouncer_connectivity';

/**
 * Watches one PgBouncer through one admin-console session: its probes one after
 * another on their intervals, the session reopened with backoff when lost. A pooler has
 * no databases to visit and no catalogs to read, so none of ServerWorker's lanes apply.
 */
export class PoolerWorker {
  private running = false;
  private wake: (() => void) | null = null;
  private session: TargetConnection | null = null;
  private failures = 0;
  private retryAt = 0;
  private loop: Promise<void> = Promise.resolve();
  private readonly due = new Map<string, number>();
  private readonly ran = new Set<string>();
  private readonly changes: ChangeFilter;

  constructor(
    readonly server: ServerRef,
    private readonly deps: PoolerWorkerDeps,
  ) {
    this.changes = new ChangeFilter(deps.lastSnapshot);
  }

  /** one admin-console session at most: what the collector's sessionsInUse reports */
  get slots(): { inUse: number } {
    return { inUse: this.session ? 1 : 0 };
  }

  get isDown(): boolean {
    return this.failures > 0;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.drop();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, Math.min(ms, 1000)));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async drop(broken = false): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s) await closeSession(s.client, { broken });
  }

  private async ensureSession(): Promise<TargetConnection | null> {
    if (this.session) return this.session;
    if (this.deps.now() < this.retryAt) return null;
    const result = await this.deps.connect().catch((err: unknown) => ({
      ok: false as const,
      failure: { code: 'unknown' as const, cause: (err as Error).message, fix: '' },
    }));
    const now = this.deps.now();
    if (!result.ok) {
      this.failures += 1;
      this.retryAt = now + backoffMs(this.failures);
      this.deps.status({
        state: 'down',
        errorCode: result.failure.code,
        errorMessage: result.failure.cause,
      });
      const probe = this.deps.probes.find((p) => p.name === CONNECTIVITY);
      if (probe)
        this.deps.sink(probe, {
          collectedAt: new Date(now),
          serverId: this.server.id,
          rows: [{ up: false, rtt_ms: null, version: null, error_code: result.failure.code }],
        });
      return null;
    }
    this.failures = 0;
    this.session = result.connection;
    const tunnel = result.connection.tunnel;
    this.deps.status({
      state: 'up',
      serverVersionNum: result.connection.serverVersionNum,
      ...(tunnel ? { via: `ssh ${tunnel.bastion}` } : {}),
    });
    return this.session;
  }

  private dueProbes(now: number): PoolerProbeDefinition[] {
    const settings = this.deps.settings();
    return this.deps.probes.filter((p) => {
      const s = effectiveSettings(p, this.server, settings);
      if (!s.enabled) return false;
      return takeDue(this.due, p.name, now, s.intervalSeconds * 1000, () => this.deps.random());
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      const session = await this.ensureSession();
      if (!session) {
        await this.sleep(this.retryAt - this.deps.now());
        continue;
      }
      for (const probe of this.dueProbes(this.deps.now())) {
        if (!this.running) break;
        if (await this.runOne(session, probe)) {
          await this.drop(true);
          break;
        }
      }
      const now = this.deps.now();
      const next = Math.min(...[...this.due.values()], now + 1000);
      await this.sleep(Math.max(200, next - now));
    }
  }

  /** Runs one probe and hands its rows on; true when the session was lost. */
  private async runOne(session: TargetConnection, probe: PoolerProbeDefinition): Promise<boolean> {
    const scheduled = this.due.get(probe.name) ?? this.deps.now();
    const startedAt = this.deps.now();
    const result = await runPoolerProbe(session.client, probe);
    this.deps.onResult(result, Math.max(0, startedAt - scheduled), !this.ran.has(probe.name));
    this.ran.add(probe.name);
    const s = effectiveSettings(probe, this.server, this.deps.settings());
    this.due.set(
      probe.name,
      nextDue(scheduled, this.deps.now(), s.intervalSeconds * 1000, this.deps.random()),
    );
    if (result.status === 'failed') return result.connectionLost === true;
    if (result.status !== 'ok') return false;
    if (probe.changeTracked && !(await this.changes.changed(probe, undefined, result.rows)))
      return false;
    this.deps.sink(probe, {
      collectedAt: new Date(startedAt),
      serverId: this.server.id,
      rows: result.rows,
    });
    return false;
  }
}
