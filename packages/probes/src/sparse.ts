import { trackedColumns, type MetricSpec } from '@pgvigil/schema';

type Row = Record<string, unknown>;

interface KeyState {
  /** the tracked values as last stored */
  stored: unknown[];
  storedAt: number;
  /** the row as last observed (stored or not) */
  last: Row;
}

/** What a sparse probe's filter remembers for one server (and database) between runs. */
export interface SparseState {
  /** when the last keyframe was taken */
  keyframeAt: number;
  lastRunAt: number;
  keys: Map<string, KeyState>;
}

export interface SparseStep {
  /** what to store: the unchanged rows of the run before (at `lastRunAt`), then this run's */
  samples: { at: Date; rows: Row[]; keyframe: boolean }[];
  state: SparseState;
}

// Elapsed seconds are "unchanged" when they grew by the time between runs, give or take.
const ELAPSED_SLACK_SECONDS = 2;

/**
 * Decides which rows of a sparse probe's run to store (see `MetricSpec.sparse`). A
 * keyframe stores every row, and the last observation of each row that held still
 * through the period before: the first run, the first of a new keyframe period, and
 * a run that a row of the run before is missing from (a dropped table, an ended
 * session: readers carry a row forward only until the next keyframe). Other runs
 * store the rows whose tracked values moved since they were last stored, each after
 * its unchanged observation from the run before, and at least one row, so a reader
 * can tell the probe ran.
 */
export function sparseStep(
  spec: Pick<MetricSpec, 'columns' | 'sparse'>,
  previous: SparseState | undefined,
  rows: readonly Row[],
  at: Date,
): SparseStep {
  const t = at.getTime();
  const keyNames = spec.columns.filter((c) => c.key).map((c) => c.name);
  const tracked = trackedColumns(spec);
  const ids = rows.map((row) => JSON.stringify(keyNames.map((k) => row[k] ?? null)));
  const keyframe = isKeyframe(spec, previous, new Set(ids), t);
  const state: SparseState = {
    keyframeAt: keyframe || !previous ? t : previous.keyframeAt,
    lastRunAt: t,
    keys: new Map(),
  };
  const before: Row[] = [];
  const now: Row[] = [];
  const moves = new Set<string>();
  for (const [i, row] of rows.entries()) {
    const values = tracked.map((c) => row[c.name] ?? null);
    const prev = previous?.keys.get(ids[i]!);
    const moved =
      !prev ||
      values.some((v, j) =>
        changed(tracked[j]!.elapsed === true, prev.stored[j], v, (t - prev.storedAt) / 1000),
      );
    const store = keyframe || moved;
    if (moved) moves.add(ids[i]!);
    if (store) {
      // the row held still until the run before: store that observation too, so the
      // move is dated to this interval rather than spread over the whole gap
      if (!keyframe && moved && prev && previous && prev.storedAt < previous.lastRunAt)
        before.push(prev.last);
      now.push(row);
    }
    state.keys.set(ids[i]!, {
      stored: store || !prev ? values : prev.stored,
      storedAt: store || !prev ? t : prev.storedAt,
      last: row,
    });
  }
  if (keyframe && previous) {
    // A row that moved during the period before (stored after its keyframe) and held
    // still since ends the period with its last observation: rollups then see each
    // row's whole period, as if every run had stored it. A row that never moved in
    // the period needs none: its keyframe row stands until the next keyframe, unless
    // the row is gone now.
    for (const [id, prev] of previous.keys) {
      if (
        prev.storedAt < previous.lastRunAt &&
        (prev.storedAt > previous.keyframeAt || moves.has(id) || !state.keys.has(id))
      )
        before.push(prev.last);
    }
  }
  if (now.length === 0 && rows.length > 0) {
    // nothing moved: one unchanged row still dates this run
    now.push(rows[0]!);
    const s = state.keys.get(ids[0]!)!;
    state.keys.set(ids[0]!, {
      ...s,
      stored: tracked.map((c) => rows[0]![c.name] ?? null),
      storedAt: t,
    });
  }
  const samples: SparseStep['samples'] = [];
  if (before.length > 0 && previous)
    samples.push({ at: new Date(previous.lastRunAt), rows: before, keyframe: false });
  if (now.length > 0) samples.push({ at, rows: now, keyframe });
  return { samples, state };
}

function isKeyframe(
  spec: Pick<MetricSpec, 'sparse'>,
  previous: SparseState | undefined,
  present: ReadonlySet<string>,
  t: number,
): boolean {
  const period = (spec.sparse?.keyframeSeconds ?? 0) * 1000;
  if (!previous || period === 0) return true;
  if (Math.floor(t / period) > Math.floor(previous.keyframeAt / period)) return true;
  for (const id of previous.keys.keys()) if (!present.has(id)) return true;
  return false;
}

function changed(elapsed: boolean, stored: unknown, value: unknown, seconds: number): boolean {
  if (stored === value) return false;
  if (stored === null || value === null) return true;
  if (elapsed && typeof stored === 'number' && typeof value === 'number')
    return Math.abs(value - (stored + seconds)) > ELAPSED_SLACK_SECONDS;
  if (stored instanceof Date && value instanceof Date) return stored.getTime() !== value.getTime();
  if (typeof stored === 'object' && typeof value === 'object')
    return JSON.stringify(stored) !== JSON.stringify(value);
  return true;
}
