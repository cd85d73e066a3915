import { isTransientError, registerMetricTable, type Db, type SecretBox } from '@pgvigil/db';
import {
  ensureMetricTable,
  listProbeSettingRows,
  missingQueryIds,
  pruneIngestLedger,
  readLastSnapshot,
  recordServerStatus,
  refreshRollup,
  releaseLeases,
  rollupLevels,
  rollupWindow,
  saveQueryTexts,
  saveQueryPlans,
  saveIndexCandidates,
  getQueryTexts,
  readLogCursor,
  saveLogCursor,
  syncLeases,
  writeSamples,
  type ProbeSettingRow,
} from '@pgvigil/db/metrics';
import { getServerConnection, pinSshHostKey } from '@pgvigil/db/registry';
import {
  autoExplainPlans,
  connectTarget,
  connectionSettingsSchema,
  LOG_EVENTS_METRIC,
  PATRONI_METRIC,
  PLAN_TOP_N,
  POOLER_PROBES,
  PROBES,
  type PoolerProbeDefinition,
  type ProbeDefinition,
} from '@pgvigil/probes';
import type { MetricSpec } from '@pgvigil/schema';
import { PatroniPoller } from './patroni-poller';
import { PoolerWorker } from './pooler-worker';
import { SampleBuffer } from './sample-buffer';
import { ServerWorker } from './server-worker';
import { SparseFilter } from './sparse-filter';
import { CollectorStats } from './stats';

const LEDGER_PRUNE_EVERY_MS = 3_600_000;
// A failed write is retried within the buffer's life; two days is far beyond it.
const LEDGER_KEEP_MS = 2 * 86_400_000;
const HOURLY_EVERY_MS = 600_000;

export interface CollectorOptions {
  db: Db;
  box: SecretBox;
  collectorId: string;
  probes?: readonly ProbeDefinition[];
  /** what runs on poolers (kind pgbouncer); PostgreSQL probes never do */
  poolerProbes?: readonly PoolerProbeDefinition[];
  bufferRows?: number;
  /** statements whose plan is captured per server and window (default PLAN_TOP_N; 0: off) */
  planTopN?: number;
  /** read each server's own log (log insights); default: on with the full probe set */
  logEvents?: boolean;
  /** how often each server's log is read (default: every minute) */
  logEveryMs?: number;
  leaseTtlSeconds?: number;
  /** collectors with a heartbeat this recent share the servers */
  leaseLiveSeconds?: number;
  /** how often leases and the server list are refreshed */
  leaseEveryMs?: number;
  flushEveryMs?: number;
  rollupEveryMs?: number;
  connectTimeoutMs?: number;
  /** how often Patroni clusters are read through their REST API (default: every 15 s) */
  patroniEveryMs?: number;
  /** client-side bound on one query to a monitored server (default: statement timeout + 5 s, 15 s) */
  queryTimeoutMs?: number;
  log?: (message: string) => void;
  now?: () => number;
}

/**
 * The collector's moving parts: a lease loop deciding which servers this process
 * watches, one worker per server, a buffer drained to the datastore with COPY, and
 * rollup upkeep. Every loop survives the datastore or a server going away.
 */
export class Collector {
  readonly buffer: SampleBuffer;
  readonly stats = new CollectorStats();
  readonly patroni: PatroniPoller;
  private readonly workers = new Map<
    number,
    { worker: ServerWorker | PoolerWorker; updatedAt: number }
  >();
  private settings: readonly ProbeSettingRow[] = [];
  private timers: NodeJS.Timeout[] = [];
  private tablesReady = false;
  private readonly retention = new Map<string, number>();
  private flushing: Promise<void> | null = null;
  private lastHourly = 0;
  private nextFlush: Promise<void> | null = null;
  private ledgerPrunedAt = 0;
  /** since when samples wait for a datastore that refuses them (null: written as they come) */
  private keptSince: number | null = null;
  private readonly probes: readonly ProbeDefinition[];
  private readonly poolerProbes: readonly PoolerProbeDefinition[];
  private readonly now: () => number;
  private readonly log: (message: string) => void;

  constructor(private readonly o: CollectorOptions) {
    this.probes = o.probes ?? PROBES;
    this.poolerProbes = o.poolerProbes ?? POOLER_PROBES;
    this.now = o.now ?? Date.now;
    this.buffer = new SampleBuffer(o.bufferRows ?? 500_000, this.now);
    this.log = o.log ?? (() => undefined);
    this.patroni = new PatroniPoller({
      db: o.db,
      held: () => this.serverIds,
      sink: (sample) => this.buffer.add(PATRONI_METRIC, sample),
      now: this.now,
      log: this.log,
    });
  }

  get serverIds(): number[] {
    return [...this.workers.keys()].sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    await this.tick();
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const timer = setInterval(() => void fn().catch((e: unknown) => this.log(String(e))), ms);
      this.timers.push(timer);
    };
    every(this.o.leaseEveryMs ?? 5_000, () => this.tick());
    every(this.o.flushEveryMs ?? 2_000, () => this.flush());
    every(this.o.rollupEveryMs ?? 60_000, () => this.refreshRollups());
    every(this.o.patroniEveryMs ?? PATRONI_METRIC.intervalSeconds * 1000, () =>
      this.patroni.pollAll(),
    );
  }

  async stop(): Promise<void> {
    await this.halt();
    await this.flush();
    await releaseLeases(this.o.db, this.o.collectorId).catch(() => undefined);
  }

  /** Stops every loop without releasing leases or flushing: what a crash looks like to peers. */
  async halt(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all([...this.workers.values()].map((w) => w.worker.stop()));
    this.workers.clear();
  }

  /** Sessions open (or being opened) to each watched server: never above SESSIONS_PER_SERVER. */
  sessionsInUse(): Map<number, number> {
    return new Map([...this.workers].map(([id, w]) => [id, w.worker.slots.inUse]));
  }

  /** Heartbeat payload: what /api/v1/health shows for this collector. */
  info(): Record<string, unknown> {
    return {
      servers: this.workers.size,
      serversDown: [...this.workers.values()].filter((w) => w.worker.isDown).length,
      bufferedRows: this.buffer.rows,
      bufferLimitRows: this.buffer.maxRows,
      oldestBufferedAt: this.buffer.oldestAt?.toISOString() ?? null,
      droppedRows: this.buffer.dropped,
      firstDropAt: this.buffer.firstDropAt?.toISOString() ?? null,
      lastDropAt: this.buffer.lastDropAt?.toISOString() ?? null,
      ...this.stats.summary(),
    };
  }

  /** Lease round: start workers for new servers, restart changed ones, stop lost ones. */
  async tick(): Promise<void> {
    const db = this.o.db;
    try {
      if (!this.tablesReady) {
        for (const p of this.tables) await ensureMetricTable(db, p, new Date(this.now()));
        this.tablesReady = true;
      }
      this.settings = await listProbeSettingRows(db);
      await this.applyRetention();
      const held = await syncLeases(db, {
        collectorId: this.o.collectorId,
        at: new Date(this.now()),
        ttlSeconds: this.o.leaseTtlSeconds ?? 30,
        liveSeconds: this.o.leaseLiveSeconds ?? 30,
      });
      const keep = new Set(held.map((h) => h.serverId));
      for (const [id, w] of this.workers) {
        const lease = held.find((h) => h.serverId === id);
        if (!keep.has(id) || (lease && lease.updatedAt.getTime() !== w.updatedAt)) {
          this.workers.delete(id);
          await w.worker.stop();
        }
      }
      for (const h of held) {
        if (this.workers.has(h.serverId)) continue;
        const worker =
          h.kind === 'pgbouncer'
            ? this.createPoolerWorker(h.serverId, h.clusterId)
            : this.createWorker(h.serverId, h.clusterId);
        this.workers.set(h.serverId, { worker, updatedAt: h.updatedAt.getTime() });
        worker.start();
      }
      if (this.buffer.rows === 0) this.stats.datastoreOk();
    } catch (err) {
      // Datastore away: keep watching the servers already held; leases resume later.
      this.stats.datastoreError(err, new Date(this.now()));
    }
  }

  /** Retention is per probe table: a global probe setting overrides the probe's default. */
  private async applyRetention(): Promise<void> {
    for (const p of this.tables) {
      const override = this.settings.find(
        (r) => r.probe === p.name && r.scopeType === 'global' && r.retentionDays !== null,
      );
      const days = override?.retentionDays ?? p.retentionDays;
      if (this.retention.get(p.name) === days) continue;
      await registerMetricTable(this.o.db, {
        table_name: p.name,
        retention_days: days,
        change_tracked: p.changeTracked,
      });
      this.retention.set(p.name, days);
    }
  }

  /** Every metrics table this collector writes: PostgreSQL's probes, the pooler's, Patroni's, the log's. */
  private get tables(): readonly MetricSpec[] {
    return [...this.probes, ...this.poolerProbes, PATRONI_METRIC, LOG_EVENTS_METRIC];
  }

  /** A pooler: its admin console only, through the same stored settings and bastion. */
  private createPoolerWorker(serverId: number, clusterId: number | null): PoolerWorker {
    const { db, box } = this.o;
    return new PoolerWorker(
      { id: serverId, clusterId },
      {
        probes: this.poolerProbes,
        settings: () => this.settings,
        connect: async () => {
          const saved = await getServerConnection(db, box, serverId);
          const result = await connectTarget(connectionSettingsSchema.parse(saved), {
            applicationName: 'pgvigil',
            pooler: true,
            timeoutMs: this.o.connectTimeoutMs ?? 10_000,
            ...(this.o.queryTimeoutMs ? { queryTimeoutMs: this.o.queryTimeoutMs } : {}),
          });
          // first use of a bastion pins its host key, as for a server (read back next connect)
          const tunnel = result.ok ? result.connection.tunnel : undefined;
          if (tunnel && !tunnel.pinned && saved.ssh)
            await pinSshHostKey(db, serverId, tunnel.hostKey).catch(() => null);
          return result;
        },
        sink: (probe, sample) => this.buffer.add(probe, sample),
        status: (s) =>
          void recordServerStatus(db, {
            serverId,
            collectorId: this.o.collectorId,
            at: new Date(this.now()),
            ...s,
          }).catch((err: unknown) => this.stats.datastoreError(err, new Date(this.now()))),
        lastSnapshot: async (probe) => (await readLastSnapshot(db, probe, serverId))?.rows ?? null,
        onResult: (result, lateness, first) => this.stats.record(result, lateness, first),
        now: this.now,
        random: Math.random,
      },
    );
  }

  private createWorker(serverId: number, clusterId: number | null): ServerWorker {
    const { db, box } = this.o;
    // Read once per worker (a change to the server restarts it), so servers stay
    // watched while the datastore is away.
    let stored: ReturnType<typeof getServerConnection> | null = null;
    const settingsOf = () => {
      stored ??= getServerConnection(db, box, serverId).catch((err: unknown) => {
        stored = null;
        throw err;
      });
      return stored;
    };
    const sparse = new SparseFilter();
    return new ServerWorker(
      { id: serverId, clusterId },
      {
        probes: this.probes,
        settings: () => this.settings,
        connect: async (dbname) => {
          const saved = await settingsOf();
          const settings = connectionSettingsSchema.parse({
            ...saved,
            ...(dbname ? { dbname } : {}),
          });
          const result = await connectTarget(settings, {
            applicationName: 'pgvigil',
            timeoutMs: this.o.connectTimeoutMs ?? 10_000,
            ...(this.o.queryTimeoutMs ? { queryTimeoutMs: this.o.queryTimeoutMs } : {}),
          });
          const tunnel = result.ok ? result.connection.tunnel : undefined;
          if (tunnel && !tunnel.pinned && saved.ssh) {
            // First use of this bastion: pin its host key; later sessions must match it.
            const pinned = await pinSshHostKey(db, serverId, tunnel.hostKey).catch(() => null);
            if (pinned)
              stored = Promise.resolve({ ...saved, ssh: { ...saved.ssh, hostKey: pinned } });
          }
          return result;
        },
        sink: (probe, sample) => {
          for (const s of sparse.filter(probe, sample)) this.buffer.add(probe, s);
        },
        status: (s) =>
          void recordServerStatus(db, {
            serverId,
            collectorId: this.o.collectorId,
            at: new Date(this.now()),
            ...s,
          }).catch((err: unknown) => this.stats.datastoreError(err, new Date(this.now()))),
        missingQueryIds: (ids) => missingQueryIds(db, serverId, ids),
        saveQueryTexts: (texts) => saveQueryTexts(db, serverId, texts, new Date(this.now())),
        plans: {
          topN: this.o.planTopN ?? PLAN_TOP_N,
          queryTexts: (ids) => getQueryTexts(db, serverId, ids),
          savePlans: (plans) =>
            saveQueryPlans(db, serverId, plans, new Date(this.now())).then(() => undefined),
          saveIndexCandidates: (database, checked, candidates) =>
            saveIndexCandidates(db, serverId, database, checked, candidates, new Date(this.now())),
        },
        ...((this.o.logEvents ?? this.o.probes === undefined)
          ? {
              logs: {
                load: () => readLogCursor(db, serverId),
                save: (cursor) => saveLogCursor(db, serverId, cursor, new Date(this.now())),
                sink: (sample) => this.buffer.add(LOG_EVENTS_METRIC, { ...sample, serverId }),
                // actual plans auto_explain logged, into the plans store next to EXPLAIN's
                records: async (records) => {
                  const { plans } = autoExplainPlans(records);
                  if (plans.length > 0)
                    await saveQueryPlans(db, serverId, plans, new Date(this.now()));
                },
                ...(this.o.logEveryMs ? { everyMs: this.o.logEveryMs } : {}),
              },
            }
          : {}),
        lastSnapshot: async (probe, database) =>
          (await readLastSnapshot(db, probe, serverId, database))?.rows ?? null,
        onResult: (result, lateness, first, database) =>
          this.stats.record(result, lateness, first, database),
        now: this.now,
        random: Math.random,
      },
    );
  }

  /**
   * Writes everything buffered so far; on failure the samples go back into the buffer.
   * A call during a flush waits for one more after it, which also writes what arrived
   * meanwhile (stop() relies on that).
   */
  flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.flushOnce().finally(() => (this.flushing = null));
      return this.flushing;
    }
    this.nextFlush ??= this.flushing.then(() => {
      this.nextFlush = null;
      return this.flush();
    });
    return this.nextFlush;
  }

  private async flushOnce(): Promise<void> {
    const write = this.buffer.drain();
    if (!write) return;
    try {
      await writeSamples(this.o.db, write.batches, { writeId: write.id });
      this.stats.written(write.batches.reduce((n, b) => n + b.samples.length, 0));
      if (this.keptSince !== null) {
        const rows = write.batches.reduce(
          (n, b) => n + b.samples.reduce((m, s) => m + s.rows.length, 0),
          0,
        );
        this.log(
          `the datastore takes samples again: wrote ${rows} rows kept since ${new Date(this.keptSince).toISOString()} (${this.buffer.dropped} dropped in all)`,
        );
        this.keptSince = null;
      }
    } catch (err) {
      this.stats.datastoreError(err, new Date(this.now()));
      if (isTransientError(err)) {
        // away, full or busy: keep the samples (bounded) and retry this write as it is
        this.buffer.restore(write);
        if (this.keptSince === null) {
          this.keptSince = this.now();
          this.log(
            `cannot write samples (${err instanceof Error ? err.message : String(err)}); keeping them in memory, up to ${this.buffer.maxRows} rows`,
          );
        }
        return;
      }
      // The datastore is up but refused something: write table by table and drop
      // (counted) only what it keeps refusing, instead of retrying it forever.
      for (const [i, batch] of write.batches.entries()) {
        const part = { id: `${write.id}:${batch.spec.name}`, batches: [batch] };
        try {
          await writeSamples(this.o.db, part.batches, { writeId: part.id });
        } catch (e) {
          if (!isTransientError(e)) {
            this.buffer.drop(batch.samples.reduce((n, s) => n + s.rows.length, 0));
            continue;
          }
          this.buffer.restore(part);
          this.buffer.requeue(write.batches.slice(i + 1)); // not tried: no ledger row
          return;
        }
      }
    }
  }

  /**
   * Rollups of the servers this collector watches (each collector its share): the
   * last three 5-minute buckets every time, and the last two hours when an hour has
   * ended or every 10 minutes, for samples that arrive late from the buffer.
   */
  async refreshRollups(): Promise<void> {
    const at = new Date(this.now());
    if (at.getTime() - this.ledgerPrunedAt >= LEDGER_PRUNE_EVERY_MS) {
      await pruneIngestLedger(this.o.db, new Date(at.getTime() - LEDGER_KEEP_MS));
      this.ledgerPrunedAt = at.getTime();
    }
    const servers = this.serverIds;
    if (servers.length === 0) return;
    const hourly =
      at.getTime() - this.lastHourly >= HOURLY_EVERY_MS ||
      Math.floor(at.getTime() / 3_600_000) !== Math.floor(this.lastHourly / 3_600_000);
    for (const p of this.tables) {
      for (const level of rollupLevels(p)) {
        if (level === '1h' && !hourly) continue;
        const window = rollupWindow(level, at, level === '5m' ? 3 : 2);
        await refreshRollup(this.o.db, p, level, window, servers);
      }
    }
    if (hourly) this.lastHourly = at.getTime();
  }
}
