import { getLiveActivity } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The newest sampled sessions (busiest first, `?limit=`) and the blocking tree. */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params, at }) =>
  NextResponse.json(
    await getLiveActivity({
      db: db(),
      input: {
        serverId: params.id,
        limit: new URL(request.url).searchParams.get('limit') ?? undefined,
      },
      at,
    }),
  ),
);
