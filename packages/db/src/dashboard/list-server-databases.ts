import { z } from 'zod';
import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { readLatest } from '../metrics';
import { parseInput } from './parse';

export const serverDatabasesInput = z.object({
  serverId: z.coerce.number().int().positive(),
});

// Shared-object rows and templates nobody connects to would only be noise.
const HIDDEN = new Set(['(shared)', 'template0', 'template1']);

export type ServerDatabase = {
  name: string;
  lastSeenAt: Date;
  commitsPerSecond: number | null;
  rollbacksPerSecond: number | null;
  /** share of buffer reads served from shared buffers since the previous sample, 0..100 */
  cacheHitPercent: number | null;
};

/** The databases the collector last saw on a server, with their current rates. */
export async function listServerDatabases({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: z.input<typeof serverDatabasesInput>;
  at: Date;
}): Promise<ServerDatabase[]> {
  const { serverId } = parseInput(serverDatabasesInput, input);
  try {
    const rows = await readLatest(db, {
      probe: 'database_stats',
      serverIds: [serverId],
      at,
      maxAgeSeconds: 3600,
    });
    return rows
      .filter((r) => typeof r.key.datname === 'string' && !HIDDEN.has(r.key.datname))
      .map((r) => {
        const hit = r.rates.blks_hit ?? null;
        const read = r.rates.blks_read ?? null;
        const total = hit !== null && read !== null ? hit + read : null;
        return {
          name: r.key.datname as string,
          lastSeenAt: r.collectedAt,
          commitsPerSecond: r.rates.xact_commit ?? null,
          rollbacksPerSecond: r.rates.xact_rollback ?? null,
          cacheHitPercent: total ? (100 * (hit as number)) / total : null,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    // Nothing collected yet is an empty list, not an error.
    if (err instanceof NotFoundError) return [];
    throw err;
  }
}
