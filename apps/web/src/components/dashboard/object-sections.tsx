import type { ActiveAlert } from '@/contract';
import { ChartGrid, type ChartSpec } from '@/components/charts/chart-grid';
import type { ChartWindow } from '@/components/charts/metric-chart';
import { AlertList } from './alert-list';

/** The alerts about one table or index, then its history charts. */
export function ObjectAlertsAndCharts({
  kind,
  alerts,
  now,
  serverId,
  charts,
  window,
  compare,
  database,
  object,
}: {
  kind: 'table' | 'index';
  alerts: readonly ActiveAlert[];
  now: Date;
  serverId: number;
  charts: readonly ChartSpec[];
  window: ChartWindow;
  compare: ChartWindow | null;
  database: string;
  object: { schema: string; name: string };
}) {
  return (
    <>
      <section className="section panel" aria-labelledby={`${kind}-alerts`}>
        <h2 id={`${kind}-alerts`}>Active alerts</h2>
        <AlertList alerts={alerts} now={now} emptyText={`No alert is firing for this ${kind}.`} />
      </section>
      <section className="section" aria-label="Charts">
        <ChartGrid
          serverId={serverId}
          charts={charts}
          window={window}
          compare={compare}
          database={database}
          object={object}
        />
      </section>
    </>
  );
}
