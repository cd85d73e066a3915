import type { MetricColumn } from '@pgvigil/schema/metric-spec';

/**
 * Reading a sparse probe (`MetricSpec.sparse`) as if every run had stored every row:
 * at each run of a server (and database), a key without a row of its own stands at
 * its last stored row until a keyframe (which stores every live row) says it is gone.
 * Its counters did not move, so their rates are 0; its elapsed seconds grew with time.
 */
export interface Run {
  /** epoch milliseconds */
  t: number;
  keyframe: boolean;
}

export interface DensifyOptions<T> {
  /** runs per group, ascending */
  runs: ReadonlyMap<string, readonly Run[]>;
  /** only runs in this range are emitted */
  from: number;
  to: number;
  includeFrom: boolean;
  /** how long a stored row stands for its key at most (keyframes end it sooner) */
  carryMs: number;
  groupOf(row: T): string;
  keyOf(row: T): string;
  timeOf(row: T): number;
  /** the row carried forward to a later run */
  carry(row: T, at: number): T;
}

/** Stored rows (oldest first within each key) made dense over the runs, in time order. */
export function densify<T>(stored: readonly T[], o: DensifyOptions<T>): T[] {
  const byGroup = new Map<string, Map<string, T[]>>();
  for (const r of stored) {
    const g = o.groupOf(r);
    const keys = byGroup.get(g) ?? new Map<string, T[]>();
    byGroup.set(g, keys);
    const list = keys.get(o.keyOf(r)) ?? [];
    keys.set(o.keyOf(r), list);
    list.push(r);
  }
  const out: { t: number; row: T }[] = [];
  for (const [group, keys] of byGroup) {
    const runs = o.runs.get(group) ?? [];
    const emit = (t: number) => (o.includeFrom ? t >= o.from : t > o.from) && t <= o.to;
    for (const rows of keys.values()) {
      let i = -1;
      let gone = false;
      for (const run of runs) {
        while (i + 1 < rows.length && o.timeOf(rows[i + 1]!) <= run.t) i++;
        if (i < 0) continue;
        const last = rows[i]!;
        const t = o.timeOf(last);
        if (t === run.t) {
          gone = false;
          if (emit(run.t)) out.push({ t: run.t, row: last });
          continue;
        }
        // a keyframe without this key: the object was gone by then
        if (run.keyframe) gone = true;
        if (!gone && run.t - t <= o.carryMs && emit(run.t))
          out.push({ t: run.t, row: o.carry(last, run.t) });
      }
    }
  }
  return out.sort((a, b) => a.t - b.t).map((x) => x.row);
}

/** Values carried from `from` to `to`: elapsed columns advanced, the named rates set to 0. */
export function carriedValues(
  values: Record<string, unknown>,
  columns: readonly Pick<MetricColumn, 'name' | 'elapsed'>[],
  seconds: number,
  rates: readonly string[] = [],
): Record<string, unknown> {
  const out = { ...values };
  for (const c of columns) {
    const v = out[c.name];
    if (c.elapsed && typeof v === 'number') out[c.name] = v + seconds;
  }
  for (const r of rates) if (out[r] !== null && out[r] !== undefined) out[r] = 0;
  return out;
}

/** Averages points into buckets aligned on the epoch, as SQL's date_bin + avg would. */
export function bucketAverage<
  P extends { t: Date; key: Record<string, unknown>; values: Record<string, number | null> },
>(
  points: readonly P[],
  bucketSeconds: number,
): { t: Date; key: Record<string, unknown>; values: Record<string, number | null> }[] {
  const size = bucketSeconds * 1000;
  const buckets = new Map<
    string,
    { t: number; key: Record<string, unknown>; sums: Record<string, [number, number]> }
  >();
  for (const p of points) {
    const t = Math.floor(p.t.getTime() / size) * size;
    const id = `${t}\u0000${JSON.stringify(p.key)}`;
    const b = buckets.get(id) ?? { t, key: p.key, sums: {} };
    buckets.set(id, b);
    for (const [name, v] of Object.entries(p.values)) {
      const s = (b.sums[name] ??= [0, 0]);
      if (v !== null) {
        s[0] += v;
        s[1] += 1;
      }
    }
  }
  return [...buckets.values()]
    .sort((a, b) => a.t - b.t)
    .map((b) => ({
      t: new Date(b.t),
      key: b.key,
      values: Object.fromEntries(
        Object.entries(b.sums).map(([n, [sum, count]]) => [n, count ? sum / count : null]),
      ),
    }));
}
