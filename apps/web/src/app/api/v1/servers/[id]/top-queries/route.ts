import { listTopQueries as readTopQueries } from '@pgvigil/db/dashboard';
import { listTopQueries } from '@/contract';
import { pageByOffset, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Top statements in `?from=&to=` from pg_stat_statements deltas; `?sort=`, `?includeOwn=true`. */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params }) => {
  const q = readQuery(request, listTopQueries);
  const { limit: _limit, cursor: _cursor, ...filters } = q;
  let answer: { available: boolean; reason?: string } = { available: true };
  const page = await pageByOffset(q, async (window) => {
    const { queries, ...rest } = await readTopQueries({
      db: db(),
      input: { ...filters, ...window, serverId: params.id },
    });
    answer = rest;
    return queries;
  });
  return reply(listTopQueries, { ...answer, queries: page.items, nextCursor: page.nextCursor });
});
