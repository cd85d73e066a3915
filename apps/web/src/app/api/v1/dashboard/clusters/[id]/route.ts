import { getClusterOverview } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** A cluster with its members (health, alerts) and its active alerts. */
export const GET = withAuth<{ id: string }>('viewer', async ({ params, at }) =>
  NextResponse.json(await getClusterOverview({ db: db(), input: { id: params.id }, at })),
);
