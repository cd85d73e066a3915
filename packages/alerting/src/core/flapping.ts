/**
 * Flap detection: a series whose alert fires and resolves more than `limit` times in
 * an hour is flapping. Its firing is announced once, with its pattern, and its further
 * flaps are not sent until it settles (no more than `limit` firings in the last hour).
 * Pure: the caller gives the times the series fired within the window, oldest first.
 */
export const FLAP_WINDOW_SECONDS = 3600;
/** the default: firing a fifth time within an hour is flapping */
export const DEFAULT_FLAP_LIMIT = 4;

export type FlapVerdict =
  /** not flapping: notify as usual */
  | { flapping: false }
  /** this firing makes it flapping: one message, with the pattern */
  | { flapping: true; announce: true; firings: number; pattern: string }
  /** still flapping: recorded on its timeline, not sent */
  | { flapping: true; announce: false; firings: number; pattern: string };

/**
 * Judges a new firing at `at` of a series that fired at `earlier` (any order; the two
 * hours before `at` count). `limit` 0 turns detection off.
 */
export function flapVerdict(earlier: readonly Date[], at: Date, limit: number): FlapVerdict {
  if (limit <= 0) return { flapping: false };
  const window = FLAP_WINDOW_SECONDS * 1000;
  const t = at.getTime();
  const times = earlier
    .map((d) => d.getTime())
    .filter((x) => x > t - 2 * window && x < t)
    .sort((a, b) => a - b);
  /** firings in the hour up to and including times[i] (or `at` for i = times.length) */
  const within = (i: number) => {
    const end = i < times.length ? times[i]! : t;
    return times.slice(0, i).filter((x) => x > end - window).length + 1;
  };
  const firings = within(times.length);
  if (firings <= limit) return { flapping: false };
  const pattern = flapPattern(
    times.filter((x) => x > t - window),
    t,
  );
  // announced when the firing before was not flapping itself: once per flapping spell
  const announce = times.length === 0 || within(times.length - 1) <= limit;
  return { flapping: true, announce, firings, pattern };
}

/** "fired 5 times in 60 min, every ~12 min (10:02, 10:14, ...)" */
export function flapPattern(earlier: readonly number[], at: number): string {
  const all = [...earlier, at];
  const gaps = all.slice(1).map((t, i) => t - all[i]!);
  const mean = gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0;
  const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
  return `fired ${all.length} times in ${Math.round(FLAP_WINDOW_SECONDS / 60)} min, every ~${Math.max(
    1,
    Math.round(mean / 60_000),
  )} min (${all.map(hhmm).join(', ')} UTC)`;
}
