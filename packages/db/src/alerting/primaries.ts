import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { readLatest } from '../metrics/read-latest';

/** a primary that went down a day ago is still known as one */
const REMEMBER_SECONDS = 86_400;

/**
 * The servers whose newest `wal_receiver` sample of the last day says they are not in
 * recovery: primaries. Suppression by dependency holds the replication alerts of the
 * other members of a primary's cluster while it is down; the newest sample is then
 * the one before the outage, so the role is the one it had when it went down.
 */
export async function knownPrimaries(
  db: Queryable,
  serverIds: number[],
  at: Date,
): Promise<Set<number>> {
  if (serverIds.length === 0) return new Set();
  const read = (ids: number[], maxAgeSeconds?: number) =>
    readLatest(db, {
      probe: 'wal_receiver',
      serverIds: ids,
      at,
      columns: ['in_recovery'],
      ...(maxAgeSeconds ? { maxAgeSeconds } : {}),
    });
  try {
    // the recent samples first; a day back only for servers without one (down ones),
    // so a fleet's cycle does not rank a day of samples of every server
    const rows = await read(serverIds);
    const seen = new Set(rows.map((r) => r.serverId));
    const missing = serverIds.filter((id) => !seen.has(id));
    if (missing.length) rows.push(...(await read(missing, REMEMBER_SECONDS)));
    return new Set(rows.filter((r) => r.values.in_recovery === false).map((r) => r.serverId));
  } catch (err) {
    // no wal_receiver table yet (nothing collected): no primary known
    if (err instanceof NotFoundError) return new Set();
    throw err;
  }
}
