'use client';

import { seriesLabel, type ChartDef } from '@pgvigil/schema/charts';
import type { ChartData } from '@/contract';
import { useQuery } from '@tanstack/react-query';
import { memo, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { Area, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/shell/states';
import { CHART_BANDS } from './chart-bands';
import { bandDrawn, bandWanted, EXPECTED, useExpectedBand, withBand } from './expected-band';
import {
  boundRows,
  displayRows,
  formatChartValue,
  maxValue,
  orderSeries,
  PER_FACTOR,
  perLabel,
  ratePer,
} from './series-display';

const COLORS = ['--chart-1', '--chart-2', '--chart-3', '--chart-4', '--chart-5', '--chart-6'].map(
  (v) => `var(${v})`,
);

/**
 * Rates and sizes drawn as straight segments between samples, and sampled counts
 * (sessions) as steps: a smoothed curve invents values between points, and on
 * stacked areas it bends one series into another.
 */
function curve(chart: Pick<ChartDef, 'unit' | 'stacked'>): 'linear' | 'stepAfter' {
  return chart.stacked && chart.unit === 'count' ? 'stepAfter' : 'linear';
}

// Recharts formats every candidate tick to measure it: one formatter each, made once
// (toLocaleString builds a new one per call, which cost most of a page's drawing time).
const DAY_TICK = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const TIME_TICK = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const TOOLTIP_TIME = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

/** Left of the plot: the Y axis' width (its labels) plus the chart's margins. */
const AXIS_WIDTH = 72;
const MARGIN = { top: 4, right: 8, bottom: 0, left: 0 };
/** Ticks per axis: a fixed count drawn as is, so Recharts measures no label text to thin them. */
const X_TICKS = 6;
const Y_TICKS = 5;

/**
 * The chart box's width in pixels once it has come within 200 px of the viewport (0
 * before): a chart below the fold is drawn when the reader scrolls toward it, and its
 * box keeps its height meanwhile, so nothing moves. A chart in the margin only (not yet
 * on screen) is drawn once the browser is idle, after the charts on screen. Printing
 * draws every chart.
 */
/** `fn` when the browser has nothing else to do (at most a second later). */
function whenIdle(fn: () => void): number {
  return typeof window.requestIdleCallback === 'function'
    ? window.requestIdleCallback(fn, { timeout: 1000 })
    : window.setTimeout(fn, 50);
}

function cancelIdle(handle: number): void {
  if (typeof window.cancelIdleCallback === 'function') window.cancelIdleCallback(handle);
  else window.clearTimeout(handle);
}

function useDrawWidth(ref: RefObject<HTMLDivElement | null>, boxShown: boolean): number {
  const [near, setNear] = useState(false);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const show = () => setNear(true);
    const sized = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      setWidth((prev) => (prev === w ? prev : w));
    });
    sized.observe(el);
    let idle: number | undefined;
    const seen = new IntersectionObserver(
      (entries) => {
        const entry = entries.find((e) => e.isIntersecting);
        if (!entry) return;
        seen.disconnect();
        const box = entry.boundingClientRect;
        if (box.top < window.innerHeight && box.bottom > 0) show();
        else idle = whenIdle(show);
      },
      { rootMargin: '200px 0px' },
    );
    seen.observe(el);
    window.addEventListener('beforeprint', show);
    return () => {
      if (idle !== undefined) cancelIdle(idle);
      sized.disconnect();
      seen.disconnect();
      window.removeEventListener('beforeprint', show);
    };
  }, [ref, boxShown]);
  return near ? width : 0;
}

async function fetchChart(url: string): Promise<ChartData> {
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body as ChartData;
}

export interface ChartWindow {
  from: string;
  to: string;
}

/**
 * One chart of one server, fetched from /api/v1 so it refreshes on its own. With a
 * comparison window the earlier data is shifted onto the current axis and drawn dashed.
 * With `expected`, a chart whose series an anomaly rule judges shades the rule's
 * expected band behind it.
 */
export const MetricChart = memo(function MetricChart({
  serverId,
  chart,
  title,
  window,
  compare,
  database,
  object,
  height = 200,
  data,
  expected = false,
  initialData,
}: {
  serverId: number;
  chart: string;
  title: string;
  window: ChartWindow;
  compare?: ChartWindow | null;
  database?: string;
  /** the table or index of a per-object chart */
  object?: { schema: string; name: string };
  height?: number;
  /** data the page already read (a query's history): drawn as is, nothing fetched */
  data?: ChartData;
  /** draw the anomaly rule's expected band, where the chart has one */
  expected?: boolean;
  /** the data for `window` the page read while rendering: drawn at once, refreshed later */
  initialData?: ChartData;
}) {
  const url = (w: ChartWindow) => {
    const q = new URLSearchParams({ from: w.from, to: w.to });
    if (database) q.set('databaseName', database);
    if (object) {
      q.set('schema', object.schema);
      q.set('object', object.name);
    }
    return `/api/v1/servers/${serverId}/metrics/${chart}?${q}`;
  };
  const current = useQuery({
    queryKey: ['chart', url(window)],
    queryFn: () => fetchChart(url(window)),
    enabled: !data,
    initialData,
  });
  const earlier = useQuery({
    queryKey: ['chart', compare ? url(compare) : 'none'],
    queryFn: () => fetchChart(url(compare!)),
    enabled: Boolean(compare) && !data,
  });
  const titleId = `chart-${chart}-title`;
  const currentData = data ?? current.data;
  const box = useRef<HTMLDivElement>(null);
  const width = useDrawWidth(box, Boolean(currentData?.available));
  const band = useExpectedBand({
    // asked for once the chart draws: a chart below the fold costs no request until then
    enabled: bandWanted({ expected, data, object, width }),
    serverId,
    chart,
    unit: currentData?.available ? currentData.chart.unit : undefined,
    window,
    database,
  });
  const before = compare && !data && earlier.data?.available ? earlier.data : null;
  const shift = compare ? Date.parse(window.from) - Date.parse(compare.from) : 0;
  // The rows as drawn, made again only when the data changes (not on every render).
  const shaped = useMemo(() => {
    if (!currentData?.available) return null;
    const d = currentData;
    const series = orderSeries(d.chart, d.series);
    const per = ratePer(
      d.chart.unit,
      Math.max(maxValue(d.rows, series), before ? maxValue(before.rows, before.series) : 0),
    );
    const rows = displayRows(d.chart, d.rows, series, per);
    const earlierSeries = before ? orderSeries(d.chart, before.series) : [];
    if (before) {
      // Align earlier buckets onto the current ones by position after shifting.
      const byT = new Map(rows.map((r) => [r.t, r]));
      for (const r of displayRows(d.chart, before.rows, before.series, per)) {
        const t = (r.t ?? 0) + shift;
        const target = byT.get(t) ?? { t };
        for (const s of before.series) target[`${s} (earlier)`] = r[s] ?? null;
        if (!byT.has(t)) {
          byT.set(t, target);
          rows.push(target);
        }
      }
      rows.sort((x, y) => (x.t ?? 0) - (y.t ?? 0));
    }
    const keys = [...series, ...earlierSeries.map((s) => `${s} (earlier)`)];
    return { d, series, earlierSeries, per, rows, keys };
  }, [currentData, before, shift]);
  const plotWidth = Math.max(0, width - AXIS_WIDTH - MARGIN.left - MARGIN.right);
  // no more points than the plot has pixels (peaks kept: lowest and highest per run)
  const plotted = useMemo(
    () => (shaped && plotWidth > 0 ? boundRows(shaped.rows, shaped.keys, plotWidth) : null),
    [shaped, plotWidth],
  );
  const bandFor = CHART_BANDS[chart];
  // the band describes one series: a split chart's only one, or the named column
  const fits = shaped
    ? bandFor?.series
      ? shaped.series.includes(bandFor.series)
      : shaped.series.length === 1
    : false;
  const shaded = band && fits && bandDrawn(band) ? band : null;
  const warming = Boolean(band && fits && !shaded);
  const drawn = useMemo(
    () =>
      plotted && shaded && shaped ? withBand(plotted, shaded, PER_FACTOR[shaped.per]) : plotted,
    [plotted, shaded, shaped],
  );
  let body;
  if (!data && current.isError)
    body = <ErrorState title="Chart unavailable" message={current.error.message} />;
  else if (!currentData) body = <LoadingBlock height={height} label={`Loading ${title}`} />;
  else if (!currentData.available)
    body = <EmptyState title="No data">{currentData.reason}</EmptyState>;
  else {
    body = (
      <div ref={box} className="chart-box" style={{ height }}>
        {shaped && drawn && width > 0 ? (
          <Plot
            shaped={shaped}
            rows={drawn}
            width={width}
            height={height}
            shaded={Boolean(shaded)}
            compare={Boolean(compare)}
            spanDays={(Date.parse(window.to) - Date.parse(window.from)) / 86400_000}
          />
        ) : null}
      </div>
    );
  }
  return (
    <section
      className="panel"
      aria-labelledby={titleId}
      data-chart={chart}
      // an anomaly alert links here; only pages with bands have one chart of each id
      id={expected ? `chart-${chart}` : undefined}
    >
      <h2 id={titleId}>
        {title}
        {currentData?.resolution && currentData.resolution !== 'raw' ? (
          <span className="muted" style={{ fontWeight: 400, fontSize: '0.8rem' }}>
            {' '}
            · {currentData.resolution} rollup
          </span>
        ) : null}
        {warming ? (
          <span
            className="muted"
            style={{ fontWeight: 400, fontSize: '0.8rem' }}
            title={band?.reason ?? undefined}
          >
            {' '}
            · baseline warming up
          </span>
        ) : null}
      </h2>
      {body}
    </section>
  );
});

interface Shaped {
  d: ChartData;
  series: string[];
  earlierSeries: string[];
  per: ReturnType<typeof ratePer>;
  rows: Array<Record<string, number | null>>;
  keys: string[];
}

/** The Recharts drawing of a chart's rows, at a known size (no measuring pass). */
function Plot({
  shaped,
  rows,
  width,
  height,
  shaded,
  compare,
  spanDays,
}: {
  shaped: Shaped;
  rows: ReadonlyArray<Record<string, unknown>>;
  width: number;
  height: number;
  shaded: boolean;
  compare: boolean;
  spanDays: number;
}) {
  const { d, series, earlierSeries, per } = shaped;
  const label = (s: string) => perLabel(seriesLabel(d.chart, s), per);
  // legend and tooltip in the chart's series order (Recharts sorts by name otherwise)
  const rank = (item: { dataKey?: unknown }) => {
    const key = String(item.dataKey ?? '');
    if (key === EXPECTED) return 2 * series.length;
    const base = key.replace(/ \(earlier\)$/, '');
    return series.indexOf(base) + (base === key ? 0 : series.length);
  };
  const format = (v: unknown) =>
    formatChartValue(d.chart.unit, typeof v === 'number' ? v : null, per);
  const tick = spanDays > 2 ? DAY_TICK.format : TIME_TICK.format;
  // Time ticks spread evenly over the rows' span: a time axis would otherwise tick (and
  // with interval 0 label) every row.
  const count = Math.max(2, Math.min(X_TICKS, Math.floor((width - AXIS_WIDTH) / 90)));
  const first = Number(rows[0]?.t ?? 0);
  const last = Number(rows.at(-1)?.t ?? 0);
  const xTicks =
    rows.length > 1 && last > first
      ? Array.from(
          { length: count },
          (_, i) => Math.round((first + ((last - first) * i) / (count - 1)) / 60_000) * 60_000,
        )
      : undefined;
  return (
    <ComposedChart
      width={width}
      height={height}
      data={rows as Array<Record<string, number | null>>}
      margin={MARGIN}
    >
      <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={['dataMin', 'dataMax']}
        tickFormatter={tick}
        ticks={xTicks}
        interval={0}
        stroke="var(--muted)"
        fontSize={11}
      />
      <YAxis
        tickFormatter={(v: number) => formatChartValue(d.chart.unit, v, per)}
        allowDecimals={d.chart.unit !== 'count'}
        tickCount={Y_TICKS}
        interval={0}
        stroke="var(--muted)"
        fontSize={11}
        width={AXIS_WIDTH}
      />
      <Tooltip
        labelFormatter={(t) => TOOLTIP_TIME.format(Number(t))}
        formatter={(v) => (Array.isArray(v) ? `${format(v[0])} – ${format(v[1])}` : format(v))}
        itemSorter={rank}
        contentStyle={{
          background: 'var(--panel)',
          border: '1px solid var(--border)',
          color: 'var(--text)',
        }}
      />
      {series.length > 1 || compare || shaded ? (
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={rank} />
      ) : null}
      {shaded ? (
        <Area
          key={EXPECTED}
          type="stepAfter"
          dataKey={EXPECTED}
          name="expected"
          stroke="none"
          fill="var(--muted)"
          fillOpacity={0.22}
          isAnimationActive={false}
          activeDot={false}
          legendType="rect"
        />
      ) : null}
      {series.map((s, n) => (
        <Area
          key={s}
          type={curve(d.chart)}
          dataKey={s}
          name={label(s)}
          stackId={d.chart.stacked ? 'a' : undefined}
          stroke={COLORS[n % COLORS.length]}
          fill={COLORS[n % COLORS.length]}
          fillOpacity={d.chart.stacked ? 0.35 : 0.12}
          strokeWidth={1.6}
          isAnimationActive={false}
          connectNulls={false}
          // a lone point has no area to draw: show it as a dot
          dot={rows.length < 3}
        />
      ))}
      {earlierSeries.map((s, n) => (
        <Line
          key={`${s}-earlier`}
          type={curve(d.chart)}
          dataKey={`${s} (earlier)`}
          name={`${label(s)} (earlier)`}
          stroke={COLORS[n % COLORS.length]}
          strokeDasharray="4 3"
          dot={false}
          strokeWidth={1.2}
          isAnimationActive={false}
        />
      ))}
    </ComposedChart>
  );
}
