import {
  classifyStartFailure,
  decideAfterFailure,
  DEFAULT_RESTART_POLICY,
  restartDelayMs,
  type RestartPolicy,
  type StartFailure,
} from './restart-policy';
import {
  EmbeddedStartError,
  startEmbedded,
  type EmbeddedOptions,
  type EmbeddedServer,
} from './server';

/** Where the embedded datastore stands, as the keeper sees it (also what the web shows). */
export interface KeeperStatus {
  state: 'up' | 'restarting' | 'gave_up' | 'stopped';
  /** when the datastore went away (null while up) */
  downSince: string | null;
  /** restart attempts in this outage (or since the last stable run) */
  attempt: number;
  /** successful restarts since pgvigil started */
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  /** why the last start failed */
  lastError: string | null;
  nextAttemptAt: string | null;
  /** when it gave up: what to do */
  advice: string | null;
  pid: number | null;
  port: number;
}

export interface KeeperOptions extends EmbeddedOptions {
  port: number;
  log: (line: string) => void;
  onStatus?: (status: KeeperStatus) => void;
  policy?: Partial<RestartPolicy>;
  /** how long crash recovery may take before a start counts as failed */
  restartTimeoutMs?: number;
}

export interface DatastoreKeeper {
  readonly status: KeeperStatus;
  readonly server: EmbeddedServer;
  url(database?: string): string;
  /** Stops the datastore for good: no restart follows. */
  stop(): Promise<void>;
}

const secondsText = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** A server log line without its timestamp and pid prefix. */
const bare = (line: string) => line.replace(/^.*?\b(LOG|FATAL|PANIC|ERROR|WARNING):\s+/, '$1: ');

function failureOf(err: unknown): StartFailure {
  if (err instanceof EmbeddedStartError) {
    if (err.damaged) return { kind: 'damaged', line: err.message };
    const found = classifyStartFailure(err.log);
    return found.line
      ? { kind: found.kind, line: bare(found.line) }
      : { kind: found.kind, line: err.message };
  }
  return { kind: 'other', line: err instanceof Error ? err.message : String(err) };
}

/**
 * Restarts the embedded datastore whenever it exits without being asked to (the OOM
 * killer, a crash): PostgreSQL's own crash recovery replays its log, on the same
 * port, so the apps' pools reconnect by themselves. Failed restarts back off; a
 * damaged data folder ends the attempts with advice.
 */
class Keeper implements DatastoreKeeper {
  private stopping = false;
  private timer: NodeJS.Timeout | null = null;
  private starting: Promise<unknown> | null = null;
  private upAt = Date.now();
  /** failed starts in a row that count towards the limit */
  private counted = 0;
  private readonly current: KeeperStatus;

  constructor(
    public server: EmbeddedServer,
    private readonly options: KeeperOptions,
    private readonly policy: RestartPolicy,
  ) {
    this.current = {
      state: 'up',
      downSince: null,
      attempt: 0,
      restarts: 0,
      lastExit: null,
      lastError: null,
      nextAttemptAt: null,
      advice: null,
      pid: server.pid,
      port: options.port,
    };
    this.watch(server);
    options.onStatus?.({ ...this.current });
  }

  get status(): KeeperStatus {
    return { ...this.current };
  }

  url(database?: string): string {
    return this.server.url(database);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.starting;
    await this.server.stop();
    this.publish({ state: 'stopped', nextAttemptAt: null, pid: null });
  }

  private publish(patch: Partial<KeeperStatus>): void {
    Object.assign(this.current, patch);
    this.options.onStatus?.({ ...this.current });
  }

  private watch(server: EmbeddedServer): void {
    void server.exited.then(({ code, signal }) => {
      if (this.stopping || server !== this.server) return;
      const now = Date.now();
      if (now - this.upAt >= this.policy.stableAfterMs) {
        this.current.attempt = 0;
        this.counted = 0;
      }
      const n = this.current.attempt + 1;
      const delayMs = restartDelayMs(n, this.policy);
      const how = signal ? `killed by ${signal}` : `exit code ${code}`;
      this.current.attempt = n;
      this.publish({
        downSince: new Date(now).toISOString(),
        lastExit: { code, signal, at: new Date(now).toISOString() },
        pid: null,
      });
      this.options.log(
        `the datastore exited unexpectedly (${how}); restarting it in ${secondsText(delayMs)} ` +
          `(attempt ${n}); the apps keep their samples and notifications meanwhile`,
      );
      this.schedule(delayMs);
    });
  }

  private schedule(delayMs: number): void {
    this.publish({
      state: 'restarting',
      nextAttemptAt: new Date(Date.now() + delayMs).toISOString(),
    });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.starting = this.attempt().finally(() => (this.starting = null));
    }, delayMs);
  }

  private async attempt(): Promise<void> {
    if (this.stopping) return;
    const n = this.current.attempt;
    let server: EmbeddedServer;
    try {
      server = await startEmbedded({
        ...this.options,
        initialise: false,
        startTimeoutMs: this.options.restartTimeoutMs ?? 300_000,
      });
    } catch (err) {
      if (!this.stopping) this.failed(n, failureOf(err));
      return;
    }
    this.server = server;
    if (this.stopping) {
      await server.stop();
      return;
    }
    const downFor = Date.now() - Date.parse(this.current.downSince ?? new Date().toISOString());
    this.upAt = Date.now();
    this.options.log(
      `the datastore is back after ${secondsText(downFor)} (restart attempt ${n}; ` +
        `PostgreSQL recovered its data from its write-ahead log) on 127.0.0.1:${server.port}`,
    );
    this.publish({
      state: 'up',
      downSince: null,
      restarts: this.current.restarts + 1,
      nextAttemptAt: null,
      lastError: null,
      pid: server.pid,
    });
    this.watch(server);
  }

  private failed(n: number, failure: StartFailure): void {
    const decision = decideAfterFailure(failure, this.counted, n + 1, this.policy);
    const reason = failure.line ?? 'no reason given';
    this.publish({ lastError: failure.line });
    if (decision.action === 'give_up') {
      this.publish({ state: 'gave_up', advice: decision.advice, nextAttemptAt: null, pid: null });
      this.options.log(`GIVING UP: the datastore did not start (attempt ${n}): ${reason}`);
      this.options.log(`GIVING UP: ${decision.advice} The data folder: ${this.options.dataDir}`);
      return;
    }
    if (decision.counted) this.counted++;
    this.current.attempt = n + 1;
    this.options.log(
      `the datastore did not start (attempt ${n}: ${reason}); ` +
        `restarting it in ${secondsText(decision.delayMs)} (attempt ${n + 1})`,
    );
    this.schedule(decision.delayMs);
  }
}

/** Starts the embedded datastore and keeps it running (see Keeper). */
export async function keepEmbedded(options: KeeperOptions): Promise<DatastoreKeeper> {
  const policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
  return new Keeper(await startEmbedded(options), options, policy);
}
