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

/** First run: spread over the first interval (at most 10 s), so a start is not a burst. */
export function firstDue(now: number, intervalMs: number, random: number): number {
  return now + random * Math.min(intervalMs, 10_000);
}

/** Backoff for an unreachable server: 5 s doubling up to 5 minutes. */
export function backoffMs(failures: number): number {
  return Math.min(5_000 * 2 ** Math.max(failures - 1, 0), 300_000);
}
