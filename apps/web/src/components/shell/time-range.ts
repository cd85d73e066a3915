/**
 * The time window of every dashboard page, carried in the URL so a link reproduces
 * the view: `?range=24h` (relative to now) or `?from=<ISO>&to=<ISO>` (absolute),
 * plus `&compare=1d|1w` and `&refresh=<seconds>`. Pure: `at` is a parameter.
 */
export const RANGE_PRESETS = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const PRESET_SECONDS: Record<RangePreset, number> = {
  '15m': 900,
  '1h': 3600,
  '6h': 6 * 3600,
  '24h': 86400,
  '7d': 7 * 86400,
  '30d': 30 * 86400,
};

export const COMPARISONS = ['none', '1d', '1w'] as const;
export type Comparison = (typeof COMPARISONS)[number];
export const COMPARISON_SECONDS: Record<Exclude<Comparison, 'none'>, number> = {
  '1d': 86400,
  '1w': 7 * 86400,
};

export const REFRESH_CHOICES = [0, 30, 60, 300] as const;

export const DEFAULT_PRESET: RangePreset = '1h';

export interface TimeWindow {
  from: Date;
  to: Date;
  /** the preset when relative, null for a custom absolute range */
  preset: RangePreset | null;
  compare: Comparison;
  refreshSeconds: number;
}

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function get(params: Params, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
}

function isPreset(v: string | undefined): v is RangePreset {
  return (RANGE_PRESETS as readonly string[]).includes(v ?? '');
}

/** Never throws: a malformed URL falls back to the default window. */
export function parseTimeWindow(params: Params, at: Date): TimeWindow {
  const compareRaw = get(params, 'compare');
  const compare: Comparison = (COMPARISONS as readonly string[]).includes(compareRaw ?? '')
    ? (compareRaw as Comparison)
    : 'none';
  const refresh = Number(get(params, 'refresh') ?? 0);
  const refreshSeconds = (REFRESH_CHOICES as readonly number[]).includes(refresh) ? refresh : 0;
  const from = new Date(get(params, 'from') ?? '');
  const to = new Date(get(params, 'to') ?? '');
  if (!Number.isNaN(from.getTime()) && !Number.isNaN(to.getTime()) && to > from) {
    return { from, to, preset: null, compare, refreshSeconds };
  }
  const rangeRaw = get(params, 'range');
  const preset = isPreset(rangeRaw) ? rangeRaw : DEFAULT_PRESET;
  return {
    from: new Date(at.getTime() - PRESET_SECONDS[preset] * 1000),
    to: at,
    preset,
    compare,
    refreshSeconds,
  };
}

/** Query string for a window (without the leading `?`), keeping only what differs from defaults. */
export function windowQuery(
  w: Pick<TimeWindow, 'from' | 'to' | 'preset' | 'compare' | 'refreshSeconds'>,
): string {
  const q = new URLSearchParams();
  if (w.preset) {
    if (w.preset !== DEFAULT_PRESET) q.set('range', w.preset);
  } else {
    q.set('from', w.from.toISOString());
    q.set('to', w.to.toISOString());
  }
  if (w.compare !== 'none') q.set('compare', w.compare);
  if (w.refreshSeconds) q.set('refresh', String(w.refreshSeconds));
  return q.toString();
}

/** The same window shifted back for comparison, or null. */
export function comparisonWindow(w: TimeWindow): { from: Date; to: Date } | null {
  if (w.compare === 'none') return null;
  const shift = COMPARISON_SECONDS[w.compare] * 1000;
  return { from: new Date(w.from.getTime() - shift), to: new Date(w.to.getTime() - shift) };
}
