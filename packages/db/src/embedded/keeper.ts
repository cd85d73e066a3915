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
 * Starts the embedded datastore and restarts it whenever it exits without being
 * asked to (the OOM killer, a crash): PostgreSQL's own crash recovery replays its
 * log, on the same port, so the apps' pools reconnect by themselves. Failed
 * restarts back off; a damaged data folder ends the attempts with advice.
 */
export async function keepEmbedded(options: KeeperOptions): Promise<DatastoreKeeper> {
  const policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
  const { log } = options;
  let server = await startEmbedded(options);
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let starting: Promise<unknown> | null = null;
  let upAt = Date.now();
  /** failed starts in a row that count towards the limit */
  let counted = 0;
  const status: KeeperStatus = {
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
  const publish = (patch: Partial<KeeperStatus>) => {
    Object.assign(status, patch);
    options.onStatus?.({ ...status });
  };

  const schedule = (delayMs: number) => {
    publish({ state: 'restarting', nextAttemptAt: new Date(Date.now() + delayMs).toISOString() });
    timer = setTimeout(() => {
      timer = null;
      starting = attempt().finally(() => (starting = null));
    }, delayMs);
  };

  const attempt = async () => {
    if (stopping) return;
    const n = status.attempt;
    try {
      server = await startEmbedded({
        ...options,
        initialise: false,
        startTimeoutMs: options.restartTimeoutMs ?? 300_000,
      });
    } catch (err) {
      if (stopping) return;
      const failure = failureOf(err);
      const decision = decideAfterFailure(failure, counted, n + 1, policy);
      publish({ lastError: failure.line });
      if (decision.action === 'give_up') {
        publish({ state: 'gave_up', advice: decision.advice, nextAttemptAt: null, pid: null });
        log(
          `GIVING UP: the datastore did not start (attempt ${n}): ${failure.line ?? 'no reason given'}`,
        );
        log(`GIVING UP: ${decision.advice} The data folder: ${options.dataDir}`);
        return;
      }
      if (decision.counted) counted++;
      status.attempt = n + 1;
      log(
        `the datastore did not start (attempt ${n}: ${failure.line ?? 'no reason given'}); ` +
          `restarting it in ${secondsText(decision.delayMs)} (attempt ${n + 1})`,
      );
      schedule(decision.delayMs);
      return;
    }
    if (stopping) {
      await server.stop();
      return;
    }
    const downFor = Date.now() - Date.parse(status.downSince ?? new Date().toISOString());
    upAt = Date.now();
    log(
      `the datastore is back after ${secondsText(downFor)} (restart attempt ${n}; ` +
        `PostgreSQL recovered its data from its write-ahead log) on 127.0.0.1:${server.port}`,
    );
    publish({
      state: 'up',
      downSince: null,
      restarts: status.restarts + 1,
      nextAttemptAt: null,
      lastError: null,
      pid: server.pid,
    });
    watch(server);
  };

  const watch = (current: EmbeddedServer) => {
    void current.exited.then(({ code, signal }) => {
      if (stopping || current !== server) return;
      const now = Date.now();
      if (now - upAt >= policy.stableAfterMs) {
        status.attempt = 0;
        counted = 0;
      }
      const n = status.attempt + 1;
      const delayMs = restartDelayMs(n, policy);
      const how = signal ? `killed by ${signal}` : `exit code ${code}`;
      status.attempt = n;
      publish({
        downSince: new Date(now).toISOString(),
        lastExit: { code, signal, at: new Date(now).toISOString() },
        pid: null,
      });
      log(
        `the datastore exited unexpectedly (${how}); restarting it in ${secondsText(delayMs)} ` +
          `(attempt ${n}); the apps keep their samples and notifications meanwhile`,
      );
      schedule(delayMs);
    });
  };
  watch(server);
  options.onStatus?.({ ...status });

  return {
    get status() {
      return { ...status };
    },
    get server() {
      return server;
    },
    url: (database) => server.url(database),
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await starting;
      await server.stop();
      publish({ state: 'stopped', nextAttemptAt: null, pid: null });
    },
  };
}
