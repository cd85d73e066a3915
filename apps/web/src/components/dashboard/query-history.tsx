import { formatValue } from '@pgvigil/schema';
import type { ChartUnit } from '@pgvigil/schema';
import type { ChartData, QueryHistory } from '@/contract';
import { MetricChart, type ChartWindow } from '@/components/charts/metric-chart';
import { EmptyState } from '@/components/shell/states';
import { formatNumber } from './format';
import { Facts } from './facts';

const SERIES = [
  { id: 'query_calls', title: 'Calls per second', key: 'callsPerSecond', unit: 'per_second' },
  { id: 'query_mean', title: 'Mean time per call', key: 'meanTimeMs', unit: 'ms' },
  { id: 'query_rows', title: 'Rows per second', key: 'rowsPerSecond', unit: 'per_second' },
] as const satisfies readonly { id: string; title: string; key: string; unit: ChartUnit }[];

const NOT_RAN =
  'The statement did not run in this window (or not enough to be among the 50 statements stored per minute). Widen the time range.';

/** The history as the chart component's data, so the query page draws like every other chart. */
function chartData(h: QueryHistory, s: (typeof SERIES)[number]): ChartData {
  const ran = h.totals.calls > 0;
  return {
    chart: {
      id: s.id,
      title: s.title,
      probe: 'statements',
      columns: [s.key],
      labels: {},
      unit: s.unit,
      combine: 'sum',
      unavailableHint: NOT_RAN,
    },
    available: ran,
    reason: ran ? undefined : NOT_RAN,
    resolution: h.resolution,
    bucketSeconds: h.bucketSeconds,
    series: [s.title],
    rows: h.points.map((p) => ({ t: p.t, [s.title]: p[s.key] })),
  };
}

export function QueryCharts({
  serverId,
  history,
  window,
}: {
  serverId: number;
  history: QueryHistory;
  window: ChartWindow;
}) {
  return (
    <div className="grid grid-2">
      {SERIES.map((s) => (
        <MetricChart
          key={s.id}
          serverId={serverId}
          chart={s.id}
          title={s.title}
          window={window}
          data={chartData(history, s)}
        />
      ))}
    </div>
  );
}

export function QueryTotals({ history }: { history: QueryHistory }) {
  const t = history.totals;
  if (t.calls === 0) return <EmptyState title="Did not run in this window">{NOT_RAN}</EmptyState>;
  const ms = (v: number | null) => (v == null ? '—' : `${formatNumber(v)} ms`);
  const blocks = t.sharedBlksHit + t.sharedBlksRead;
  const facts: [string, string][] = [
    ['Calls', formatNumber(t.calls)],
    ['Total time', ms(t.totalTimeMs)],
    ['Mean time', ms(t.meanTimeMs)],
    ['Rows', formatNumber(t.rows)],
    ['Rows per call', formatNumber(t.rows / t.calls)],
    ['Shared blocks hit', formatNumber(t.sharedBlksHit)],
    ['Shared blocks read', formatNumber(t.sharedBlksRead)],
    ['Cache hit', blocks ? formatValue((100 * t.sharedBlksHit) / blocks, 'percent') : '—'],
    ['Temp blocks read', formatNumber(t.tempBlksRead)],
    ['Temp blocks written', formatNumber(t.tempBlksWritten)],
  ];
  return <Facts facts={facts} />;
}
