import type { Db, SecretBox } from '@pgvigil/db';
import { syncBuiltinRules } from '@pgvigil/db/alerting';
import { runCycle } from './cycle/run';
import { deliverDue } from './notify/deliver';
import { BUILTIN_RULES } from './rules';

export interface LoopOptions {
  intervalSeconds: number;
  trendIntervalSeconds: number;
  deliveryEveryMs: number;
  leaseSeconds: number;
  deliveryBatch: number;
  reminderSeconds: number;
  baseUrl: string;
  smtpUrl: string | undefined;
  log: (message: string) => void;
}

/** Writes the catalog into the rules table (new rules, new texts; tuning untouched). */
export async function syncCatalog(db: Db): Promise<void> {
  await syncBuiltinRules(
    db,
    BUILTIN_RULES.map((r) => ({
      key: r.key,
      name: r.name,
      kind: r.kind,
      probe: r.source.probe,
      definition: {
        category: r.category,
        unit: r.unit,
        operator: r.operator,
        aggregation: r.aggregation,
        windowSeconds: r.windowSeconds,
        columns: r.source.columns,
        objectKeys: r.source.objectKeys ?? [],
        explanation: r.explanation,
        runbook: r.runbook,
        ...(r.forecast ? { forecast: r.forecast } : {}),
      },
      defaultSeverity: r.defaultSeverity ?? 'warning',
      warning: r.warning,
      critical: r.critical,
      forSeconds: r.forSeconds,
      enabled: r.enabledByDefault ?? true,
    })),
  );
}

/**
 * The only code that reads the clock: evaluates on a fixed interval and delivers
 * the outbox continuously. A failed pass is logged and retried on the next tick.
 */
export function startLoop(db: Db, box: SecretBox, opts: LoopOptions): { stop(): Promise<void> } {
  let stopped = false;
  let lastTrends = 0;
  let evaluating: Promise<unknown> = Promise.resolve();
  let delivering: Promise<unknown> = Promise.resolve();

  const deliver = () => {
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
    const at = new Date();
    const includeTrends = at.getTime() - lastTrends >= opts.trendIntervalSeconds * 1000;
    evaluating = runCycle(db, at, {
      baseUrl: opts.baseUrl,
      reminderSeconds: opts.reminderSeconds,
      includeTrends,
      log: opts.log,
    })
      .then((r) => {
        if (includeTrends) lastTrends = at.getTime();
        if (r.queued > 0) void deliver();
      })
      .catch((err: unknown) => opts.log(`evaluation failed: ${String(err)}`));
    return evaluating;
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

  return {
    async stop() {
      stopped = true;
      await Promise.all([evaluating, delivering]);
    },
  };
}
