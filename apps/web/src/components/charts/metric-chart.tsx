'use client';

import type { ChartData, ChartUnit } from '@pgvigil/db/dashboard';
import { useQuery } from '@tanstack/react-query';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatBytes, formatNumber } from '@/components/dashboard/format';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/shell/states';

const COLORS = ['--chart-1', '--chart-2', '--chart-3', '--chart-4', '--chart-5', '--chart-6'].map(
  (v) => `var(${v})`,
);

export function formatValue(unit: ChartUnit, v: number | null | undefined): string {
  if (unit === 'bytes') return formatBytes(v);
  if (unit === 'bytes_per_second') return `${formatBytes(v)}/s`;
  if (unit === 'per_second') return `${formatNumber(v)}/s`;
  if (unit === 'percent') return `${formatNumber(v)}%`;
  if (unit === 'ms') return `${formatNumber(v)} ms`;
  return formatNumber(v);
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
 */
export function MetricChart({
  serverId,
  chart,
  title,
  window,
  compare,
  database,
  object,
  height = 200,
  data,
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
}) {
  const url = (w: ChartWindow) => {
    const q = new URLSearchParams({ from: w.from, to: w.to });
    if (database) q.set('database', database);
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
  });
  const earlier = useQuery({
    queryKey: ['chart', compare ? url(compare) : 'none'],
    queryFn: () => fetchChart(url(compare!)),
    enabled: Boolean(compare) && !data,
  });
  const titleId = `chart-${chart}-title`;
  const currentData = data ?? current.data;
  let body;
  if (!data && current.isError)
    body = <ErrorState title="Chart unavailable" message={current.error.message} />;
  else if (!currentData) body = <LoadingBlock height={height} label={`Loading ${title}`} />;
  else if (!currentData.available)
    body = <EmptyState title="No data">{currentData.reason}</EmptyState>;
  else {
    const d = currentData;
    const shift = compare ? Date.parse(window.from) - Date.parse(compare.from) : 0;
    const rows: Array<Record<string, number | null>> = d.rows.map((r) => ({ ...r }));
    if (compare && earlier.data?.available) {
      // Align earlier buckets onto the current ones by position after shifting.
      const byT = new Map(rows.map((r) => [r.t, r]));
      for (const r of earlier.data.rows) {
        const t = r.t + shift;
        const target = byT.get(t) ?? { t };
        for (const s of earlier.data.series) target[`${s} (earlier)`] = r[s] ?? null;
        if (!byT.has(t)) {
          byT.set(t, target);
          rows.push(target);
        }
      }
      rows.sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
    }
    const spanDays = (Date.parse(window.to) - Date.parse(window.from)) / 86400_000;
    const tick = (t: number) =>
      new Date(t).toLocaleString(
        undefined,
        spanDays > 2 ? { month: 'short', day: 'numeric' } : { hour: '2-digit', minute: '2-digit' },
      );
    body = (
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={tick}
            stroke="var(--muted)"
            fontSize={11}
          />
          <YAxis
            tickFormatter={(v: number) => formatValue(d.chart.unit, v)}
            stroke="var(--muted)"
            fontSize={11}
            width={72}
          />
          <Tooltip
            labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
            formatter={(v) => formatValue(d.chart.unit, typeof v === 'number' ? v : null)}
            contentStyle={{
              background: 'var(--panel)',
              border: '1px solid var(--border)',
              color: 'var(--text)',
            }}
          />
          {d.series.length > 1 || compare ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
          {d.series.map((s, n) => (
            <Area
              key={s}
              type="monotone"
              dataKey={s}
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
          {compare && earlier.data?.available
            ? earlier.data.series.map((s, n) => (
                <Line
                  key={`${s}-earlier`}
                  type="monotone"
                  dataKey={`${s} (earlier)`}
                  stroke={COLORS[n % COLORS.length]}
                  strokeDasharray="4 3"
                  dot={false}
                  strokeWidth={1.2}
                  isAnimationActive={false}
                />
              ))
            : null}
        </ComposedChart>
      </ResponsiveContainer>
    );
  }
  return (
    <section className="panel" aria-labelledby={titleId} data-chart={chart}>
      <h2 id={titleId}>
        {title}
        {currentData?.resolution && currentData.resolution !== 'raw' ? (
          <span className="muted" style={{ fontWeight: 400, fontSize: '0.8rem' }}>
            {' '}
            · {currentData.resolution} rollup
          </span>
        ) : null}
      </h2>
      {body}
    </section>
  );
}
