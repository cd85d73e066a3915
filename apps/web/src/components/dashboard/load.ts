import { NotFoundError, ValidationError } from '@pgvigil/db';
import { getClusterOverview, getServerOverview } from '@pgvigil/db/dashboard';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { db } from '@/server/db';

/** A missing object (or a malformed id in the URL) on a page is the 404 page, not the error boundary. */
export async function loadOrNotFound<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof ValidationError) notFound();
    throw err;
  }
}

/**
 * A server (cluster) of the URL, read once per request: the segment's layout calls it
 * before anything streams, so an unknown or malformed id answers a real 404 status,
 * and the page below gets the same object without a second query.
 */
export const loadServer = cache((id: string) =>
  loadOrNotFound(() => getServerOverview({ db: db(), input: { id }, at: new Date() })),
);
export const loadCluster = cache((id: string) =>
  loadOrNotFound(() => getClusterOverview({ db: db(), input: { id }, at: new Date() })),
);
