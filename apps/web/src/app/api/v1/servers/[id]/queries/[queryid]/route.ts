import { getQueryHistory as readQueryHistory } from '@pgvigil/db/dashboard';
import { getQueryHistory } from '@/contract';
import { readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** One statement in `?from=&to=`: its text, window totals and bucketed rates; 404 for an unknown queryid. */
export const GET = withAuth<{ id: string; queryid: string }>(
  'viewer',
  async ({ request, params }) => {
    const q = readQuery(request, getQueryHistory);
    return reply(
      getQueryHistory,
      await readQueryHistory({
        db: db(),
        input: { ...q, serverId: params.id, queryid: decodeURIComponent(params.queryid) },
      }),
    );
  },
);
