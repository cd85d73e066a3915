import { NotFoundError } from '@pgvigil/db';
import { readLatest } from '@pgvigil/db/metrics';
import type { ToolContext } from '../tool';

/** A server's newest sample of a probe as flat rows (none when the probe never ran). */
export async function latest(
  ctx: ToolContext,
  probe: string,
  id: number,
): Promise<Record<string, unknown>[]> {
  try {
    const rows = await readLatest(ctx.db, { probe, serverIds: [id], at: ctx.at });
    return rows.map((r): Record<string, unknown> => ({
      collectedAt: r.collectedAt,
      ...r.key,
      ...r.values,
    }));
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
}
