'use client';

import { useMemo } from 'react';
import { MetricChart, type ChartWindow } from './metric-chart';
import { unpackChart, type PackedChart } from './packed';

export interface ChartSpec {
  id: string;
  title: string;
}

export function ChartGrid({
  serverId,
  charts,
  window,
  compare,
  database,
  object,
  expected = false,
  initial,
}: {
  serverId: number;
  charts: readonly ChartSpec[];
  window: ChartWindow;
  compare: ChartWindow | null;
  database?: string;
  object?: { schema: string; name: string };
  /** shade the expected band of anomaly rules on the charts that have one */
  expected?: boolean;
  /** the charts' data for `window`, read by the page while it rendered (packed) */
  initial?: Record<string, PackedChart>;
}) {
  const data = useMemo(
    () =>
      initial && Object.fromEntries(Object.entries(initial).map(([id, c]) => [id, unpackChart(c)])),
    [initial],
  );
  return (
    <div className="grid grid-2">
      {charts.map((c) => (
        <MetricChart
          key={c.id}
          serverId={serverId}
          chart={c.id}
          title={c.title}
          window={window}
          compare={compare}
          database={database}
          object={object}
          expected={expected}
          initialData={data?.[c.id]}
        />
      ))}
    </div>
  );
}
