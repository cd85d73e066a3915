import type { ChartUnit } from '@pgvigil/schema/charts';
import { useQuery } from '@tanstack/react-query';
import type { readBaseline, WireOf } from '@/contract';
import { CHART_BANDS } from './chart-bands';

/** The data key of the band's [lower, upper] in a chart row. */
export const EXPECTED = 'expected';

/** What the baselines endpoint answers, as JSON. */
export type BandResponse = WireOf<typeof readBaseline>;

const HOUR = 3_600_000;

/**
 * Adds to each row the band of the hour it falls in, scaled like the series
 * (`factor`: a rate drawn per minute or hour); rows of hours without a band get none.
 */
export function withBand<R extends { t?: number | null }>(
  rows: readonly R[],
  band: BandResponse,
  factor: number,
): Array<R & { [EXPECTED]?: [number, number] }> {
  const byHour = new Map<number, [number, number]>();
  for (const p of band.points)
    if (p.lower !== null && p.upper !== null)
      byHour.set(Date.parse(p.at), [p.lower * factor, p.upper * factor]);
  return rows.map((r) => {
    const range = r.t == null ? undefined : byHour.get(Math.floor(r.t / HOUR) * HOUR);
    return range ? { ...r, [EXPECTED]: range } : { ...r };
  });
}

/**
 * Whether a chart asks for its band now: on a page that shades bands, for a chart whose
 * data it fetches itself (not a query's history, not a table's or index's chart), and only
 * once the chart is drawn (`width` > 0: near the viewport). Each band is a request that
 * reads the rule's baseline (about 30 ms of the web app's CPU); the server page asked for
 * all five at hydration, below the fold too.
 */
export function bandWanted(o: {
  expected: boolean;
  data: unknown;
  object: unknown;
  width: number;
}): boolean {
  return o.expected && !o.data && !o.object && o.width > 0;
}

/** Whether any hour of the band has values. */
export const bandDrawn = (band: BandResponse) => band.points.some((p) => p.lower !== null);

async function fetchBand(url: string): Promise<BandResponse> {
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body as BandResponse;
}

/**
 * The expected band of the chart's anomaly rule over the window, or null when the
 * chart has none, it is off, or the band could not be read (the chart stays as is).
 */
export function useExpectedBand(opts: {
  enabled: boolean;
  serverId: number;
  chart: string;
  unit: ChartUnit | undefined;
  window: { from: string; to: string };
  database?: string;
}): BandResponse | null {
  const spec = CHART_BANDS[opts.chart];
  const q = new URLSearchParams({ from: opts.window.from, to: opts.window.to });
  if (spec?.perDatabase && opts.database) q.set('object', opts.database);
  const url = spec ? `/api/v1/servers/${opts.serverId}/baselines/${spec.rule}?${q}` : '';
  const band = useQuery({
    queryKey: ['band', url],
    queryFn: () => fetchBand(url),
    enabled: opts.enabled && Boolean(spec),
    retry: false,
  });
  // a unit that differs from the axis would draw a band at the wrong scale
  if (!band.data || !opts.unit || band.data.unit !== opts.unit) return null;
  return band.data;
}
