import { listActiveAlerts } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Firing and acknowledged alerts, worst first; `?serverId=`, `?clusterId=`, `?databaseName=` narrow it. */
export const GET = withAuth('viewer', async ({ request }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return NextResponse.json({ alerts: await listActiveAlerts({ db: db(), input: params }) });
});
