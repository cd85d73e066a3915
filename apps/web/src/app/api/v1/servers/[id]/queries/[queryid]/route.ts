import { getQueryHistory } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** One statement in `?from=&to=`: its text, window totals and bucketed rates; 404 for an unknown queryid. */
export const GET = withAuth<{ id: string; queryid: string }>(
  'viewer',
  async ({ request, params }) => {
    const q = Object.fromEntries(new URL(request.url).searchParams);
    return NextResponse.json(
      await getQueryHistory({
        db: db(),
        input: {
          ...q,
          serverId: params.id,
          queryid: decodeURIComponent(params.queryid),
        } as never,
      }),
    );
  },
);
