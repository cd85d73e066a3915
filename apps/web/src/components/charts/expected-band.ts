import type { ChartUnit } from '@pgvigil/db/charts';
import { useQuery } from '@tanstack/react-query';

/**
 * The anomaly rule whose metric is the same quantity, in the same unit, as a chart's
 * series: the band is drawn there. `series` is the series it describes, or null for
 * a chart split by key where it fits only while there is one series (one standby).
 * Left out on purpose: sessions (the rule counts pgvigil's own session, the chart
 * does not), cache hit (a percentage against blocks/s), query time (no chart).
 */
export const CHART_BANDS: Readonly<
  Record<string, { rule: string; series: string | null; perDatabase: boolean }>
> = {
  tps: { rule: 'anomaly_transactions', series: 'xact_commit', perDatabase: true },
  commits_rollbacks: { rule: 'anomaly_rollbacks', series: 'xact_rollback', perDatabase: true },
  temp: { rule: 'anomaly_temp_bytes', series: 'temp_bytes', perDatabase: true },
  wal: { rule: 'anomaly_wal_bytes', series: 'wal_bytes', perDatabase: false },
  replication_lag: { rule: 'anomaly_replication_lag', series: null, perDatabase: false },
};

/** The data key of the band's [lower, upper] in a chart row. */
export const EXPECTED = 'expected';

export interface BandResponse {
  unit: string;
  ready: boolean;
  reason: string | null;
  points: { at: string; lower: number | null; upper: number | null }[];
}

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
