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

/** The chart that shows an anomaly rule's band, for links from its alerts. */
export function bandChartOf(ruleKey: string): { chart: string; perDatabase: boolean } | null {
  const hit = Object.entries(CHART_BANDS).find(([, b]) => b.rule === ruleKey);
  return hit ? { chart: hit[0], perDatabase: hit[1].perDatabase } : null;
}

/**
 * Where an anomaly alert's band is drawn: the chart of its rule on the database page
 * (a per-database rule) or the server page, over `window`; null for other rules.
 */
export function bandChartHref(a: {
  serverId: number;
  ruleKey: string;
  databaseName: string | null;
  objectKey: string | null;
  window: { from: Date; to: Date };
}): string | null {
  const band = bandChartOf(a.ruleKey);
  if (!band) return null;
  const db = band.perDatabase ? (a.databaseName ?? a.objectKey) : null;
  const q = new URLSearchParams({
    from: a.window.from.toISOString(),
    to: a.window.to.toISOString(),
  });
  return `/servers/${a.serverId}${db ? `/databases/${encodeURIComponent(db)}` : ''}?${q}#chart-${band.chart}`;
}
