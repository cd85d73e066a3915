// The /api/v1 contract: every endpoint with its request and response schemas.
// Browser-safe (zod and @pgvigil/schema only): client components import their types here.
import { z } from 'zod';
import * as accounts from './accounts';
import * as alerting from './alerting';
import * as analytics from './analytics';
import * as configBaseline from './config-baseline';
import * as lint from './lint';
import { endpoint, type Endpoint } from './endpoint';
import * as dashboard from './dashboard';
import * as investigation from './investigation';
import * as mcp from './mcp';
import * as probeSettings from './probe-settings';
import * as readiness from './readiness';
import * as registry from './registry';
import * as routing from './routing';
import * as serverLogs from './server-logs';

export * from './common';
export * from './endpoint';
export * from './accounts';
export * from './alerting';
export * from './analytics';
export * from './config-baseline';
export * from './lint';
export * from './dashboard';
export * from './investigation';
export * from './mcp';
export * from './probe-settings';
export * from './readiness';
export * from './registry';
export * from './routing';
export * from './server-logs';

export const getOpenApi = endpoint({
  method: 'GET',
  path: '/openapi.json',
  access: 'viewer',
  tag: 'health',
  summary: 'This API as an OpenAPI 3.1 document, generated from the contract',
  response: z.record(z.string(), z.unknown()),
});

export const getMetrics = endpoint({
  method: 'GET',
  path: '/metrics',
  access: 'viewer',
  tag: 'health',
  summary: 'OpenMetrics text for a Prometheus scrape (also served at /metrics)',
  description:
    "pgvigil's own health for any caller; a token of the `metrics` scope also gets the latest value of every numeric probe column of every server, at most `PGVIGIL_METRICS_MAX_SERIES` series. See docs/prometheus.md.",
  contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
  response: z.string(),
});

const isEndpoint = (v: unknown): v is Endpoint =>
  typeof v === 'object' && v !== null && 'method' in v && 'path' in v && 'response' in v;

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Every endpoint of the contract, by path, then method. */
export const ENDPOINTS: readonly Endpoint[] = [
  ...[
    accounts,
    registry,
    probeSettings,
    alerting,
    routing,
    investigation,
    dashboard,
    configBaseline,
    lint,
    readiness,
    analytics,
    serverLogs,
    mcp,
  ].flatMap((m) => Object.values(m).filter(isEndpoint)),
  getOpenApi,
  getMetrics,
].sort(
  (a, b) =>
    a.path.localeCompare(b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method),
);
