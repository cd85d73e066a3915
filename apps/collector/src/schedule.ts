import type { ProbeSettingRow } from '@pgvigil/db/metrics';
import type { ProbeDefinition } from '@pgvigil/probes';

export interface EffectiveSettings {
  enabled: boolean;
  intervalSeconds: number;
}

/** Global -> cluster -> server: the most specific value set for each field wins. */
export function effectiveSettings(
  probe: Pick<ProbeDefinition, 'name' | 'intervalSeconds'>,
  server: { id: number; clusterId: number | null },
  rows: readonly ProbeSettingRow[],
): EffectiveSettings {
  const mine = rows.filter((r) => r.probe === probe.name);
  const at = (scope: ProbeSettingRow['scopeType'], id: number | null) =>
    mine.find((r) => r.scopeType === scope && r.scopeId === id);
  const chain = [
    at('server', server.id),
    server.clusterId === null ? undefined : at('cluster', server.clusterId),
    at('global', null),
  ];
  const pick = <K extends 'enabled' | 'intervalSeconds'>(key: K) =>
    chain.find((r) => r?.[key] !== null && r?.[key] !== undefined)?.[key];
  return {
    enabled: pick('enabled') ?? true,
    intervalSeconds: pick('intervalSeconds') ?? probe.intervalSeconds,
  };
}

/**
 * The next time a probe is due after a run that was scheduled at `scheduled`: keeps
 * the cadence, with up to 5 % jitter so a fleet's probes do not fire in lockstep;
 * a probe that fell more than one interval behind restarts from `now`.
 */
export function nextDue(
  scheduled: number,
  now: number,
  intervalMs: number,
  random: number,
): number {
  const jitter = (random - 0.5) * 0.1 * intervalMs;
  const next = scheduled + intervalMs + jitter;
  return next < now ? now + intervalMs + jitter : next;
}

/** How long after a start every probe has run once: the window first runs are spread over. */
export const START_WINDOW_MS = 60_000;

/**
 * First run of a probe on a server: at a random point of its interval, or of the
 * start-up window when the interval is longer. A collector starting (or taking over)
 * a fleet otherwise runs every probe on every server at once, and the lanes need
 * far longer than the probes' intervals to drain that burst.
 */
export function firstDue(now: number, intervalMs: number, random: number): number {
  return now + random * Math.min(intervalMs, START_WINDOW_MS);
}

/**
 * A pending run after the probe's interval was shortened (probe settings are reread
 * every lease round): a run due further ahead than the new interval and its jitter
 * was planned with the old one, so it moves to a random point of the new interval
 * instead of waiting the old one out. `random` is called only then.
 */
export function dueAfterChange(
  due: number,
  now: number,
  intervalMs: number,
  random: () => number,
): number {
  return due - now > intervalMs * 1.05 ? now + random() * intervalMs : due;
}

/**
 * Whether a probe runs now, keeping its next due time in `due` (by probe name): the
 * first run at `firstDue`, later ones moved by `dueAfterChange` when the interval shrank.
 */
export function takeDue(
  due: Map<string, number>,
  name: string,
  now: number,
  intervalMs: number,
  random: () => number,
): boolean {
  const pending = due.get(name);
  const next =
    pending === undefined
      ? firstDue(now, intervalMs, random())
      : dueAfterChange(pending, now, intervalMs, random);
  if (next !== pending) due.set(name, next);
  return next <= now;
}

/** Backoff for an unreachable server: 5 s doubling up to 5 minutes. */
export function backoffMs(failures: number): number {
  return Math.min(5_000 * 2 ** Math.max(failures - 1, 0), 300_000);
}
