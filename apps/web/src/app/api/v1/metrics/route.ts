import { STALE_AFTER_MS } from '@pgvigil/db';
import { readLatestSeries, readSelfFacts } from '@pgvigil/db/exposition';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { env } from '@/server/env';
import { renderExposition } from '@/server/prometheus';

export const dynamic = 'force-dynamic';

/**
 * OpenMetrics text for a Prometheus scrape (docs/prometheus.md), also at /metrics. Any signed-in caller
 * gets pgvigil's own health; a token of the `metrics` scope also gets the latest value
 * of every numeric probe column of every server.
 */
export const GET = withAuth('viewer', async ({ tokenScope, at }) => {
  const probes = tokenScope === 'metrics';
  const self = await readSelfFacts(db());
  const latest =
    probes && self.datastore.up
      ? await readLatestSeries(db(), at, env().PGVIGIL_METRICS_MAX_SERIES)
      : null;
  const { contentType, body } = await renderExposition(self, latest, at, STALE_AFTER_MS);
  return new Response(body, { status: 200, headers: { 'content-type': contentType } });
});
