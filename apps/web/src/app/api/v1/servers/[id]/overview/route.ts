import { getServerOverview } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** A server's identity, health, active alerts and plain-words summary. */
export const GET = withAuth<{ id: string }>('viewer', async ({ params, at }) =>
  NextResponse.json(await getServerOverview({ db: db(), input: { id: params.id }, at })),
);
