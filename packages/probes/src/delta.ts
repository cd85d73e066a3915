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
  probe: Pick<ProbeDefinition, 'columns' | 'deltaTopN' | 'rankBy'>,
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
  return { rows: capRows(probe, keys, deltas, out), snapshot };
}

/** The top N rows by `rankBy`, the rest summed into one row whose keys are "(others)" / NULL. */
function capRows(
  probe: Pick<ProbeDefinition, 'deltaTopN' | 'rankBy'>,
  keys: string[],
  deltas: string[],
  rows: Record<string, unknown>[],
): Record<string, unknown>[] {
  const limit = probe.deltaTopN;
  if (!limit || rows.length <= limit) return rows;
  const rank = probe.rankBy ?? deltas[0] ?? '';
  const sorted = [...rows].sort((a, b) => Number(b[rank] ?? 0) - Number(a[rank] ?? 0));
  const rest = sorted.slice(limit);
  const others: Record<string, unknown> = { interval_seconds: rest[0]?.interval_seconds };
  keys.forEach((k, i) => (others[k] = i === 0 ? '(others)' : null));
  for (const d of deltas) others[d] = rest.reduce((sum, r) => sum + Number(r[d] ?? 0), 0);
  return [...sorted.slice(0, limit), others];
}
