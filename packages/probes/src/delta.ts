import type { ProbeDefinition } from './types';

export interface DeltaSnapshot {
  at: Date;
  /** key -> the delta columns' cumulative values (null: not tracked by the server) */
  values: Map<string, (number | null)[]>;
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
 * zero. Without a previous snapshot nothing is emitted: that run is the baseline. A
 * column the server does not track (NULL now or in the run before) has no delta.
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
    const current = deltas.map((d) => (row[d] == null ? null : Number(row[d])));
    snapshot.values.set(id, current);
    if (!previous) continue;
    const before = previous.values.get(id);
    const reset =
      !before || current.some((v, i) => v !== null && before[i] != null && v < before[i]);
    const diff = current.map((v, i) =>
      v === null ? null : reset ? v : before[i] == null ? null : v - before[i],
    );
    if (diff.every((d) => !d)) continue;
    const next: Record<string, unknown> = { ...row, interval_seconds: seconds };
    deltas.forEach((d, i) => (next[d] = diff[i]));
    out.push(next);
  }
  return { rows: capRows(probe, keys, deltas, out), snapshot };
}

/** The top N rows by `rankBy`, the rest summed into one row whose keys are all NULL ("(others)"). */
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
  // all keys NULL: no statement has a NULL queryid, so readers tell "(others)" by it
  keys.forEach((k) => (others[k] = null));
  for (const d of deltas)
    others[d] = rest.every((r) => r[d] == null)
      ? null
      : rest.reduce((sum, r) => sum + Number(r[d] ?? 0), 0);
  return [...sorted.slice(0, limit), others];
}
