import type { ProbeSettingRow, Sample } from '@pgvigil/db/metrics';
import {
  closeSession,
  diffSnapshot,
  discoverDatabases,
  fetchQueryTexts,
  loadProbeContext,
  runProbe,
  withPlanFingerprints,
  withWindowTotals,
  type ConnectResult,
  type DeltaSnapshot,
  type ProbeContext,
  type ProbeDefinition,
  type ProbeResult,
  type TargetConnection,
} from '@pgvigil/probes';
import { ChangeFilter, type StoredSnapshot } from './change-filter';
import { LogReader, type LogReaderDeps } from './log-reader';
import { PlanCapture, type PlanCaptureDeps } from './plan-capture';
import { SessionSlots } from './session-slots';
import { backoffMs, effectiveSettings, nextDue, takeDue } from './schedule';

export interface ServerRef {
  id: number;
  clusterId: number | null;
}

/** What a worker reports of its target's reachability (the collector writes it down). */
export interface TargetStatus {
  state: 'up' | 'down';
  errorCode?: string;
  errorMessage?: string;
  serverVersionNum?: number;
  /** `ssh user@bastion:port` when the session goes through a tunnel */
  via?: string;
}

export interface WorkerDeps {
  probes: readonly ProbeDefinition[];
  settings(): readonly ProbeSettingRow[];
  /** opens a session to the server, to `dbname` or its default database */
  connect(dbname?: string): Promise<ConnectResult>;
  sink(probe: ProbeDefinition, sample: Sample): void;
  status(s: TargetStatus): void;
  missingQueryIds(ids: string[]): Promise<string[]>;
  saveQueryTexts(texts: { queryid: string; query: string }[]): Promise<void>;
  /** plans of the top statements (off without it) */
  plans?: Omit<PlanCaptureDeps, 'now'>;
  /** log insights: the server's own log read once a minute (off without it) */
  logs?: Omit<LogReaderDeps, 'now'>;
  /** the latest stored snapshot of a change-tracked probe (null: none yet) */
  lastSnapshot: StoredSnapshot;
  /** `first`: the probe's first run on this server since the worker started (a spread start, not a schedule) */
  onResult(result: ProbeResult, latenessMs: number, first: boolean, database?: string): void;
  now(): number;
  random(): number;
}

/** How long a database probe that was unavailable in a database is left alone there. */
export const UNAVAILABLE_RECHECK_MS = 3_600_000;

interface Session {
  conn: TargetConnection;
  ctx: ProbeContext;
  release: () => void;
}

/**
 * Watches one server with at most SESSIONS_PER_SERVER (2) sessions, enforced by a
 * semaphore: one held open for instance probes, one opened per database in turn for
 * database probes. Each lane runs its probes one after another, so one probe never runs
 * twice at once on a server. A query that outlives the client-side query timeout (a
 * half-open connection) ends its session, which frees the slot.
 */
export class ServerWorker {
  private running = false;
  private wake: (() => void) | null = null;
  private instance: Session | null = null;
  private failures = 0;
  private retryAt = 0;
  private readonly due = new Map<string, number>();
  private readonly deltas = new Map<string, DeltaSnapshot>();
  private readonly changes: ChangeFilter;
  private readonly knownQueryIds = new Set<string>();
  private readonly ran = new Set<string>();
  private loops: Promise<void>[] = [];
  readonly slots = new SessionSlots();
  /** `probe:database` -> when to try again a probe that was unavailable there */
  private readonly skipUntil = new Map<string, number>();
  private knownDatabases: string[] | null = null;
  readonly plans: PlanCapture;
  private readonly logs: LogReader | null;

  constructor(
    readonly server: ServerRef,
    private readonly deps: WorkerDeps,
  ) {
    this.changes = new ChangeFilter(deps.lastSnapshot);
    this.plans = new PlanCapture({
      topN: 0,
      queryTexts: () => Promise.resolve(new Map()),
      savePlans: () => Promise.resolve(),
      ...deps.plans,
      now: () => deps.now(),
    });
    this.logs = deps.logs ? new LogReader({ ...deps.logs, now: () => deps.now() }) : null;
  }

  start(): void {
    this.running = true;
    this.loops = [this.guard(() => this.instanceLoop()), this.guard(() => this.databaseLoop())];
  }

  /** A loop that throws (a bug, not a probe failure) restarts after a pause instead of dying. */
  private async guard(loop: () => Promise<void>): Promise<void> {
    while (this.running) {
      try {
        await loop();
      } catch {
        await this.dropInstance();
        await this.sleep(1000);
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await Promise.all(this.loops);
    await this.dropInstance();
  }

  /** `broken`: a query got no answer; the socket is destroyed rather than closed politely. */
  private async close(session: Session, broken = false): Promise<void> {
    await closeSession(session.conn.client, { broken });
    session.release();
  }

  get isDown(): boolean {
    return this.failures > 0;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, Math.min(ms, 1000)));
      const previous = this.wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        previous?.();
        done();
      };
    });
  }

  private dueProbes(scope: 'instance' | 'database', now: number): ProbeDefinition[] {
    const settings = this.deps.settings();
    return this.deps.probes.filter((p) => {
      if (p.scope !== scope) return false;
      const s = effectiveSettings(p, this.server, settings);
      if (!s.enabled) return false;
      return takeDue(this.due, p.name, now, s.intervalSeconds * 1000, () => this.deps.random());
    });
  }

  private scheduleNext(probe: ProbeDefinition, scheduled: number): void {
    const s = effectiveSettings(probe, this.server, this.deps.settings());
    const now = this.deps.now();
    this.due.set(probe.name, nextDue(scheduled, now, s.intervalSeconds * 1000, this.deps.random()));
  }

  private async open(dbname?: string): Promise<Session | { failure: string; message: string }> {
    const release = await this.slots.acquire();
    const result = await this.deps.connect(dbname).catch((err: unknown) => ({
      ok: false as const,
      failure: { code: 'unknown' as const, cause: (err as Error).message, fix: '' },
    }));
    if (!result.ok) {
      release();
      return { failure: result.failure.code, message: result.failure.cause };
    }
    const conn = result.connection;
    try {
      return { conn, ctx: await loadProbeContext(conn.client, conn.serverVersionNum), release };
    } catch (err) {
      await closeSession(conn.client);
      release();
      return { failure: 'unknown', message: (err as Error).message };
    }
  }

  private async ensureInstance(): Promise<Session | null> {
    if (this.instance) return this.instance;
    if (this.deps.now() < this.retryAt) return null;
    const opened = await this.open();
    const now = this.deps.now();
    if ('failure' in opened) {
      this.failures += 1;
      this.retryAt = now + backoffMs(this.failures);
      this.deps.status({ state: 'down', errorCode: opened.failure, errorMessage: opened.message });
      const connectivity = this.deps.probes.find((p) => p.name === 'connectivity');
      if (connectivity) {
        this.deps.sink(connectivity, {
          collectedAt: new Date(now),
          serverId: this.server.id,
          rows: [{ up: false, rtt_ms: null, error_code: opened.failure }],
        });
      }
      return null;
    }
    this.failures = 0;
    this.instance = opened;
    const tunnel = opened.conn.tunnel;
    this.deps.status({
      state: 'up',
      serverVersionNum: opened.conn.serverVersionNum,
      ...(tunnel ? { via: `ssh ${tunnel.bastion}` } : {}),
    });
    return opened;
  }

  private async dropInstance(broken = false): Promise<void> {
    const session = this.instance;
    this.instance = null;
    if (session) await this.close(session, broken);
  }

  private async instanceLoop(): Promise<void> {
    while (this.running) {
      const session = await this.ensureInstance();
      if (!session) {
        await this.sleep(this.retryAt - this.deps.now());
        continue;
      }
      for (const probe of this.dueProbes('instance', this.deps.now())) {
        if (!this.running) break;
        const lost = await this.run(session, probe, undefined);
        if (lost) {
          await this.dropInstance(true);
          break;
        }
      }
      if (this.instance && this.running && this.logs?.isDue(this.deps.now())) {
        const { result, lost } = await this.logs.run(session.conn.client);
        this.deps.onResult(result, 0, !this.ran.has(result.probe));
        this.ran.add(result.probe);
        if (lost) await this.dropInstance(true);
      }
      await this.sleep(this.untilNextDue('instance'));
    }
  }

  private async databaseLoop(): Promise<void> {
    while (this.running) {
      const due = this.instance ? this.dueProbes('database', this.deps.now()) : [];
      const plansFor = this.plans.databases;
      if (due.length === 0 && plansFor.size === 0) {
        await this.sleep(this.untilNextDue('database'));
        continue;
      }
      // Unavailable probes (an extension not installed, a privilege missing) are retried
      // hourly, not every interval: a pass over 1,000 databases for three spock probes a
      // minute would open 1,000 sessions a minute to learn nothing.
      const now = this.deps.now();
      const todo = (dbname: string) => due.filter((p) => !this.skipped(p, dbname, now));
      if (plansFor.size === 0 && this.knownDatabases?.every((d) => todo(d).length === 0)) {
        for (const probe of due) this.scheduleNext(probe, this.due.get(probe.name) ?? 0);
        continue;
      }
      const first = await this.open();
      if ('failure' in first) {
        // The instance lane notices and marks the server down; try again next time.
        for (const probe of due) this.scheduleNext(probe, this.due.get(probe.name) ?? 0);
        continue;
      }
      const databases = await discoverDatabases(first.conn.client).catch(() => [
        first.ctx.database,
      ]);
      this.knownDatabases = databases;
      this.plans.forget(databases);
      // The discovery session's own database first, then closed: one database session at a time.
      const order = [
        first.ctx.database,
        ...databases.filter((d) => d !== first.ctx.database),
      ].filter((d, i) => i > 0 || databases.includes(d));
      let current: Session | null = first;
      for (const dbname of order) {
        if (!this.running) break;
        const probes = todo(dbname);
        if (probes.length === 0 && !plansFor.has(dbname)) continue;
        if (current?.ctx.database !== dbname) {
          if (current) await this.close(current);
          const opened = await this.open(dbname);
          current = 'failure' in opened ? null : opened;
        }
        if (!current) continue;
        for (const probe of probes) {
          if (await this.run(current, probe, dbname)) {
            await this.close(current, true);
            current = null;
            break;
          }
        }
        if (current && plansFor.has(dbname)) {
          if (await this.plans.capture(current.conn.client, dbname, current.ctx.serverVersion)) {
            await this.close(current, true);
            current = null;
          }
        }
      }
      if (current) await this.close(current);
      for (const probe of due) this.scheduleNext(probe, this.due.get(probe.name) ?? 0);
    }
  }

  private skipped(probe: ProbeDefinition, database: string, now: number): boolean {
    return (this.skipUntil.get(`${probe.name}:${database}`) ?? 0) > now;
  }

  private untilNextDue(scope: 'instance' | 'database'): number {
    const now = this.deps.now();
    const times = this.deps.probes
      .filter((p) => p.scope === scope)
      .map((p) => this.due.get(p.name) ?? now);
    if (scope === 'instance' && this.logs) times.push(this.logs.nextDue);
    // never a busy loop, even when every probe is overdue or disabled
    return Math.max(200, Math.min(...times, now + 1000) - now);
  }

  /** Runs one probe and hands its rows on; returns true when the session was lost. */
  private async run(session: Session, probe: ProbeDefinition, database?: string): Promise<boolean> {
    const scheduled = this.due.get(probe.name) ?? this.deps.now();
    const startedAt = this.deps.now();
    const result = await runProbe(session.conn.client, probe, session.ctx);
    const runKey = `${probe.name}:${database ?? ''}`;
    this.deps.onResult(result, Math.max(0, startedAt - scheduled), !this.ran.has(runKey), database);
    this.ran.add(runKey);
    if (probe.scope === 'instance') this.scheduleNext(probe, scheduled);
    if (result.status === 'unavailable' && database !== undefined) {
      const interval = effectiveSettings(probe, this.server, this.deps.settings()).intervalSeconds;
      this.skipUntil.set(
        runKey,
        this.deps.now() + Math.max(UNAVAILABLE_RECHECK_MS, interval * 1000),
      );
    }
    if (result.status === 'failed') return result.connectionLost === true;
    if (result.status !== 'ok') return false;
    const collectedAt = new Date(startedAt);
    const key = `${probe.name}:${database ?? ''}`;
    let rows = result.rows;
    if (probe.mode === 'delta') {
      const diff = diffSnapshot(probe, this.deltas.get(key), rows, collectedAt);
      this.deltas.set(key, diff.snapshot);
      rows = diff.rows;
      await this.storeNewTexts(session, rows);
      if (probe.name === 'statements') {
        await this.queuePlans(session, rows);
        rows = withWindowTotals(withPlanFingerprints(rows, this.plans.fingerprints));
      }
    } else if (probe.changeTracked && !(await this.changes.changed(probe, database, rows))) {
      return false;
    }
    this.deps.sink(probe, {
      collectedAt,
      serverId: this.server.id,
      ...(database ? { database } : {}),
      rows,
    });
    return false;
  }

  private async queuePlans(session: Session, rows: Record<string, unknown>[]): Promise<void> {
    try {
      await this.plans.queue(session.conn.client, rows, session.ctx.serverVersion);
      if (this.plans.databases.size > 0) this.wake?.();
    } catch {
      // Datastore or server busy: the next run queues them.
    }
  }

  private async storeNewTexts(session: Session, rows: Record<string, unknown>[]): Promise<void> {
    const fresh = [...new Set(rows.map((r) => String(r.queryid)))].filter(
      (id) => /^-?\d+$/.test(id) && !this.knownQueryIds.has(id),
    );
    if (fresh.length === 0) return;
    try {
      const missing = await this.deps.missingQueryIds(fresh);
      const texts = await fetchQueryTexts(session.conn.client, missing);
      await this.deps.saveQueryTexts(texts);
      for (const id of fresh) this.knownQueryIds.add(id);
    } catch {
      // Datastore or server busy: these ids stay unknown and are retried next run.
    }
  }
}
