import { NotFoundError, ValidationError } from '@pgvigil/db';
import {
  assertDatabaseSeen,
  assertQuerySeen,
  getClusterOverview,
  getIndexDetail,
  getServerOverview,
  getTableDetail,
  readChart,
} from '@pgvigil/db/dashboard';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { db } from '@/server/db';
import { packCharts, type PackedChart } from '@/components/charts/packed';

/** A missing object (or a malformed id in the URL) on a page is the 404 page, not the error boundary. */
export async function loadOrNotFound<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof ValidationError) notFound();
    throw err;
  }
}

// The objects of a URL, each read once per request: a segment's layout calls its
// loader before the segment's loading boundary streams anything, so an unknown or
// malformed id answers a real 404 status, and the page below gets the same object
// without a second query. (A loading.tsx above a layout would commit the status 200
// before the layout runs: loading boundaries sit only beside leaf pages.)

export const loadServer = cache((id: string) =>
  loadOrNotFound(() => getServerOverview({ db: db(), input: { id }, at: new Date() })),
);
export const loadCluster = cache((id: string) =>
  loadOrNotFound(() => getClusterOverview({ db: db(), input: { id }, at: new Date() })),
);
export const loadDatabase = cache((serverId: number, database: string) =>
  loadOrNotFound(() => assertDatabaseSeen({ db: db(), input: { serverId, database } })),
);
export const loadQuery = cache((serverId: number, queryid: string) =>
  loadOrNotFound(() => assertQuerySeen({ db: db(), input: { serverId, queryid } })),
);
export const loadTable = cache((serverId: number, database: string, schema: string, name: string) =>
  loadOrNotFound(() =>
    getTableDetail({ db: db(), input: { serverId, database, schema, name }, at: new Date() }),
  ),
);
export const loadIndex = cache((serverId: number, database: string, schema: string, name: string) =>
  loadOrNotFound(() =>
    getIndexDetail({ db: db(), input: { serverId, database, schema, name }, at: new Date() }),
  ),
);

/** URL segments arrive percent-encoded (a database named "a b" is "a%20b"). */
export const decodeSegments = <T extends string[]>(...parts: T): T =>
  parts.map((p) => decodeURIComponent(p)) as T;

/**
 * The first data of a page's charts, read while the page renders: the browser draws
 * them as soon as it hydrates instead of asking for each one after (a dozen requests
 * queued behind each other). A chart whose read fails is left to fetch, and show its
 * error, in the browser. Later windows and refreshes fetch from /api/v1 as before.
 */
export async function prefetchCharts(
  serverId: number,
  charts: readonly { id: string }[],
  window: { from: string; to: string },
  scope: { database?: string } = {},
): Promise<Record<string, PackedChart>> {
  const read = await Promise.all(
    charts.map((c) =>
      readChart({
        db: db(),
        input: { serverId, chart: c.id, database: scope.database, ...window },
      }).then(
        (data) => [c.id, data] as const,
        () => null,
      ),
    ),
  );
  return packCharts(Object.fromEntries(read.filter((r) => r !== null)));
}
