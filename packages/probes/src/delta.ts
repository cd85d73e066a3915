import type { ProbeDefinition } from './types';

export interface DeltaSnapshot {
  at: Date;
  /** key -> the delta columns' cumulative values */
  values: Map<string, number[]>;
}

export interface DeltaResult {
  /** rows whose counters moved, with delta columns replaced by the difference */
  rows: Record<string, unknown>[];
  snapshot: DeltaSnapshot;
}

/**
 * Turns cumulative rows into differences against the previous snapshot, keeping
 * only rows that moved. An entry seen for the first time, or whose counters went
 * down (the entry was evicted and re-created, or stats were reset), counts from
 * zero. Without a previous snapshot nothing is emitted: that run is the baseline.
 */
export function diffSnapshot(
  probe: Pick<ProbeDefinition, 'columns'>,
  previous: DeltaSnapshot | undefined,
  rows: readonly Record<string, unknown>[],
  at: Date,
): DeltaResult {
  const keys = probe.columns.filter((c) => c.key).map((c) => c.name);
  const deltas = probe.columns.filter((c) => c.delta).map((c) => c.name);
  const snapshot: DeltaSnapshot = { at, values: new Map() };
  const out: Record<string, unknown>[] = [];
  const seconds = previous ? (at.getTime() - previous.at.getTime()) / 1000 : 0;
  for (const row of rows) {
    const id = JSON.stringify(keys.map((k) => row[k]));
    const current = deltas.map((d) => Number(row[d] ?? 0));
    snapshot.values.set(id, current);
    if (!previous) continue;
    const before = previous.values.get(id);
    const reset = !before || current.some((v, i) => v < (before[i] ?? 0));
    const diff = current.map((v, i) => (reset ? v : v - (before[i] ?? 0)));
    if (diff.every((d) => d === 0)) continue;
    const next: Record<string, unknown> = { ...row, interval_seconds: seconds };
    deltas.forEach((d, i) => (next[d] = diff[i]));
    out.push(next);
  }
  return { rows: out, snapshot };
}
