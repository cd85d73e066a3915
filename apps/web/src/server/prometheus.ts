// GET /metrics in OpenMetrics text: pgvigil's own health, and (for a token of the
// `metrics` scope) the latest value of every numeric probe column, so a Prometheus
// can scrape pgvigil instead of running an exporter per server.
import type { LatestSeries, SelfFacts } from '@pgvigil/db/exposition';
import { isNumeric, seriesKeys, type MetricSpec } from '@pgvigil/schema/metric-spec';
import {
  Counter,
  Gauge,
  Registry,
  type MetricConfiguration,
  type OpenMetricsContentType,
} from 'prom-client';

/** Collector heartbeat facts -> metric (name, help, counter?). */
const COLLECTOR_FACTS: Record<string, [string, string, boolean]> = {
  probeRuns: ['pgvigil_collector_probe_runs', 'Probe runs since the collector started', true],
  probeFailures: ['pgvigil_collector_probe_failures', 'Probe runs that failed', true],
  probesUnavailable: [
    'pgvigil_collector_probe_unavailable',
    'Probe runs skipped as unavailable (version, extension or privilege)',
    true,
  ],
  samplesWritten: ['pgvigil_collector_samples_written', 'Samples written to the datastore', true],
  droppedRows: [
    'pgvigil_collector_dropped_rows',
    'Rows dropped because the buffer was full while the datastore was away',
    true,
  ],
  bufferedRows: [
    'pgvigil_collector_buffered_rows',
    'Rows buffered, waiting for the datastore',
    false,
  ],
  servers: ['pgvigil_collector_servers', 'Servers this collector watches', false],
  serversDown: ['pgvigil_collector_servers_down', 'Watched servers it cannot reach', false],
};

/** Prometheus units for the probe columns' units (base units: seconds, bytes). */
const UNIT_SUFFIX: Record<string, { suffix: string; scale: number }> = {
  bytes: { suffix: '_bytes', scale: 1 },
  ms: { suffix: '_seconds', scale: 1 / 1000 },
  seconds: { suffix: '_seconds', scale: 1 },
};

/** A total left out by the cardinality cap since this process started. */
let droppedSinceStart = 0;

type OpenRegistry = Registry<OpenMetricsContentType>;

function gauge(r: OpenRegistry, name: string, help: string, labelNames: string[] = []) {
  return new Gauge({ name, help, labelNames, registers: [r] });
}

function addSelf(r: OpenRegistry, facts: SelfFacts, at: Date, staleAfterMs: number) {
  gauge(r, 'pgvigil_datastore_up', 'Whether the datastore answered this scrape').set(
    facts.datastore.up ? 1 : 0,
  );
  if (facts.datastore.latencyMs !== null) {
    gauge(r, 'pgvigil_datastore_latency_seconds', 'Round trip of SELECT 1 to the datastore').set(
      facts.datastore.latencyMs / 1000,
    );
  }
  const up = gauge(r, 'pgvigil_component_up', 'A collector, alerter or web instance beating', [
    'component',
    'instance',
  ]);
  const seen = gauge(
    r,
    'pgvigil_component_last_seen_timestamp_seconds',
    'When the instance last beat',
    ['component', 'instance'],
  );
  const facts_: Record<string, Gauge | Counter> = {};
  for (const [key, [name, help, counter]] of Object.entries(COLLECTOR_FACTS)) {
    const config: MetricConfiguration<string> = {
      name,
      help,
      labelNames: ['instance'],
      registers: [r],
    };
    facts_[key] = counter ? new Counter(config) : new Gauge(config);
  }
  const lateness = gauge(
    r,
    'pgvigil_collector_schedule_lateness_p99_seconds',
    'p99 of how late probes started against their schedule',
    ['instance'],
  );
  for (const b of facts.heartbeats) {
    const labels = { component: b.component, instance: b.instance_id };
    up.set(labels, at.getTime() - b.last_seen_at.getTime() <= staleAfterMs ? 1 : 0);
    seen.set(labels, b.last_seen_at.getTime() / 1000);
    if (b.component !== 'collector') continue;
    for (const [key, metric] of Object.entries(facts_)) {
      const v = b.info[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      if (metric instanceof Counter) metric.inc({ instance: b.instance_id }, v);
      else metric.set({ instance: b.instance_id }, v);
    }
    const p99 = b.info.scheduleLatenessP99Ms;
    if (typeof p99 === 'number') lateness.set({ instance: b.instance_id }, p99 / 1000);
  }
  const servers = gauge(r, 'pgvigil_servers', 'Registered servers by reachability', ['state']);
  for (const s of facts.servers) servers.set({ state: s.state }, s.count);
  const outbox = gauge(r, 'pgvigil_outbox_messages', 'Notifications in the outbox', ['status']);
  for (const o of facts.outbox) outbox.set({ status: o.status }, o.count);
  const alerts = gauge(r, 'pgvigil_alerts', 'Open alerts by state and severity', [
    'state',
    'severity',
  ]);
  for (const a of facts.alerts) alerts.set({ state: a.state, severity: a.severity }, a.count);
}

/** `pgvigil_<probe>_<column>` in base units: `blk_read_time_ms` becomes `..._blk_read_time_seconds`. */
export function metricName(probe: string, column: string, unit: string | null): string {
  const suffix = unit ? UNIT_SUFFIX[unit]?.suffix : undefined;
  const base = suffix ? column.replace(/_(ms|secs|seconds|bytes)$/, '') : column;
  return `pgvigil_${probe}_${base}${suffix ?? ''}`.replace(/[^a-zA-Z0-9_]/g, '_');
}

function addProbeSeries(r: OpenRegistry, latest: LatestSeries) {
  const metrics = new Map<string, { metric: Gauge | Counter; labelNames: string[] }>();
  for (const s of latest.series) {
    const name = metricName(s.probe, s.column, s.unit);
    let entry = metrics.get(name);
    if (!entry) {
      // every series of one probe carries the same label names (server, database, keys)
      const labelNames = Object.keys(s.labels);
      const config: MetricConfiguration<string> = {
        name,
        help: s.description ?? `${s.probe}.${s.column}`,
        labelNames,
        registers: [r],
      };
      entry = { metric: s.counter ? new Counter(config) : new Gauge(config), labelNames };
      metrics.set(name, entry);
    }
    const scale = s.unit ? (UNIT_SUFFIX[s.unit]?.scale ?? 1) : 1;
    const value = s.value * scale;
    if (entry.metric instanceof Counter) {
      // a counter cannot go down; a counter column below zero is not one to expose
      if (value >= 0) entry.metric.inc(s.labels, value);
    } else entry.metric.set(s.labels, value);
  }
  gauge(r, 'pgvigil_exposition_series', 'Probe series in this scrape').set(latest.series.length);
  droppedSinceStart += latest.dropped;
  new Counter({
    name: 'pgvigil_exposition_series_dropped',
    help: 'Probe series left out by PGVIGIL_METRICS_MAX_SERIES since this process started',
    registers: [r],
  }).inc(droppedSinceStart);
}

/** Every probe series name a scrape can hold (as Prometheus sees it: counters end in _total). */
export function probeMetricNames(specs: readonly MetricSpec[]): string[] {
  return specs
    .filter((p) => !p.changeTracked)
    .flatMap((p) => {
      const keys = new Set(seriesKeys(p));
      return p.columns
        .filter((c) => !keys.has(c.name) && (isNumeric(c) || c.type === 'boolean'))
        .map((c) => metricName(p.name, c.name, c.unit ?? null) + (c.counter ? '_total' : ''));
    });
}

export interface Exposition {
  contentType: string;
  body: string;
}

/** Renders one scrape; `latest` is given only to callers allowed the probe series. */
export async function renderExposition(
  self: SelfFacts,
  latest: LatestSeries | null,
  at: Date,
  staleAfterMs: number,
): Promise<Exposition> {
  const r = new Registry<OpenMetricsContentType>();
  r.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  addSelf(r, self, at, staleAfterMs);
  if (latest) addProbeSeries(r, latest);
  return { contentType: r.contentType, body: await r.metrics() };
}
