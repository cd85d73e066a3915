import type { ChartData } from '@/contract';

/**
 * A chart's data as a page inlines it in its first document: one array per series
 * instead of one object per point (the series' names once, not on every row), values
 * to 5 significant digits (a chart is drawn on a few hundred pixels and its labels
 * show 3 or 4). A 7-day server page carried 358 KB of document, most of it its charts'
 * rows with full double precision; the web app serialises it and the browser parses it
 * on every load. The API keeps the full rows.
 */
export type PackedChart = Omit<ChartData, 'rows'> & {
  t: number[];
  values: Record<string, (number | null)[]>;
};

const SIGNIFICANT = 5;

const round = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toPrecision(SIGNIFICANT));

export function packChart({ rows, ...rest }: ChartData): PackedChart {
  const keys = new Set<string>(rest.series);
  for (const row of rows) for (const k of Object.keys(row)) if (k !== 't') keys.add(k);
  const values: PackedChart['values'] = {};
  for (const k of keys) values[k] = rows.map((r) => round(r[k]));
  return { ...rest, t: rows.map((r) => r.t ?? 0), values };
}

export function unpackChart({ t, values, ...rest }: PackedChart): ChartData {
  const keys = Object.keys(values);
  const rows = t.map((time, i) => {
    const row: Record<string, number | null> = { t: time };
    for (const k of keys) row[k] = values[k]![i] ?? null;
    return row;
  });
  return { ...rest, rows };
}

export const packCharts = (charts: Record<string, ChartData>): Record<string, PackedChart> =>
  Object.fromEntries(Object.entries(charts).map(([id, c]) => [id, packChart(c)]));
