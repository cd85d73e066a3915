import { deliverDue } from '@pgvigil/alerting';
import { leadership, type Db, type SecretBox } from '@pgvigil/db';
import { beatOnce } from './heartbeat';
import { newTrendCaches } from './cycle/load';
import { runCycle } from './cycle/run';

export interface LoopOptions {
  intervalSeconds: number;
  trendIntervalSeconds: number;
  deliveryEveryMs: number;
  leaseSeconds: number;
  deliveryBatch: number;
  reminderSeconds: number;
  baseUrl: string;
  smtpUrl: string | undefined;
  /** the dead-man's switch: called every minute while pgvigil is healthy (PGVIGIL_HEARTBEAT_URL) */
  heartbeatUrl?: string | undefined;
  log: (message: string) => void;
}

/** how often the heartbeat URL is called */
export const HEARTBEAT_EVERY_MS = 60_000;

/** Where a loop stands: whether it leads, how many cycles it has evaluated, the last one. */
export interface LoopStatus {
  leading: boolean;
  cycles: number;
  /** the last evaluated cycle: milliseconds per phase, and whether trends were in it */
  lastCycle: {
    ms: number;
    /** CPU the process spent in it: on a shared machine, the wall time says more about the neighbours */
    cpuMs: number;
    loadMs: number;
    planMs: number;
    writeMs: number;
    evaluated: number;
    trends: boolean;
  } | null;
}

/** The advisory lock's role name: one evaluating and delivering alerter per datastore. */
export const LEADER_ROLE = 'alerter.leader';

/**
 * The only code that reads the clock: evaluates on a fixed interval and delivers
 * the outbox continuously. A failed pass is logged and retried on the next tick.
 * Only the leader (the holder of the datastore's advisory lock) evaluates and
 * delivers; a standby asks for the lock every interval and takes over when the
 * leader's session ends.
 */
export function startLoop(
  db: Db,
  box: SecretBox,
  opts: LoopOptions,
): { stop(): Promise<void>; status(): LoopStatus } {
  let stopped = false;
  let lastTrends = 0;
  let cycles = 0;
  let lastCycle: LoopStatus['lastCycle'] = null;
  const caches = newTrendCaches();
  let evaluating: Promise<unknown> = Promise.resolve();
  let delivering: Promise<unknown> = Promise.resolve();
  const leader = leadership(db, LEADER_ROLE);

  let wasLeading: boolean | null = null;
  let unreachable = false;
  const lead = async () => {
    const now = await leader.check().catch((err: unknown) => {
      if (!unreachable) opts.log(`cannot reach the datastore for leadership (${String(err)})`);
      unreachable = true;
      return null;
    });
    // unreachable: whether we lead is unknown, and a leader keeps trying to take it back
    if (now === null) return false;
    unreachable = false;
    if (now !== wasLeading) opts.log(now ? 'leading: evaluating and delivering' : 'standing by');
    wasLeading = now;
    return now;
  };

  const deliver = async () => {
    // A leader whose session died with the datastore asks for the lock again at once,
    // not at the next evaluation (up to ALERTER_INTERVAL_SECONDS later).
    if (!leader.leading && wasLeading) await lead();
    if (!leader.leading) return;
    delivering = deliverDue(db, box, () => new Date(), {
      leaseSeconds: opts.leaseSeconds,
      batch: opts.deliveryBatch,
      timeoutMs: 10_000,
      maxAttempts: 12,
      smtpUrl: opts.smtpUrl,
    }).catch((err: unknown) => opts.log(`delivery failed: ${String(err)}`));
    return delivering;
  };

  const evaluate = () => {
    evaluating = (async () => {
      if (!(await lead())) return;
      const at = new Date();
      const includeTrends = at.getTime() - lastTrends >= opts.trendIntervalSeconds * 1000;
      try {
        const cpu = process.cpuUsage();
        const r = await runCycle(db, at, {
          baseUrl: opts.baseUrl,
          reminderSeconds: opts.reminderSeconds,
          includeTrends,
          log: opts.log,
          caches,
        });
        cycles++;
        const used = process.cpuUsage(cpu);
        lastCycle = {
          ms: Math.round(r.ms.load + r.ms.plan + r.ms.write),
          cpuMs: Math.round((used.user + used.system) / 1000),
          loadMs: Math.round(r.ms.load),
          planMs: Math.round(r.ms.plan),
          writeMs: Math.round(r.ms.write),
          evaluated: r.evaluated,
          trends: includeTrends,
        };
        if (includeTrends) lastTrends = at.getTime();
        if (r.queued > 0) void deliver();
      } catch (err) {
        opts.log(`evaluation failed: ${String(err)}`);
      }
    })();
    return evaluating;
  };

  // the leader beats (one beat per datastore, however many alerters); a change of
  // outcome is logged, not every minute of it
  let beating: Promise<unknown> = Promise.resolve();
  let lastBeat: string | null = null;
  const beat = () => {
    const url = opts.heartbeatUrl;
    if (!url || !leader.leading) return Promise.resolve();
    beating = beatOnce(db, url, new Date()).then((r) => {
      const line = r.sent ? 'heartbeat sent' : `heartbeat ${r.why}`;
      if (line !== lastBeat) opts.log(line);
      lastBeat = line;
    });
    return beating;
  };

  const schedule = (fn: () => Promise<unknown>, everyMs: number) => {
    const tick = async () => {
      if (stopped) return;
      await fn();
      if (!stopped) setTimeout(() => void tick(), everyMs);
    };
    void tick();
  };
  schedule(evaluate, opts.intervalSeconds * 1000);
  schedule(deliver, opts.deliveryEveryMs);
  if (opts.heartbeatUrl) schedule(beat, HEARTBEAT_EVERY_MS);

  return {
    async stop() {
      stopped = true;
      await Promise.all([evaluating, delivering, beating]);
      await leader.release();
    },
    status: () => ({ leading: leader.leading, cycles, lastCycle }),
  };
}
