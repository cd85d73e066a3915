import { listActiveAlerts } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { db } from '@/server/db';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

/** Firing and acknowledged alerts, worst first; `?serverId=`, `?clusterId=`, `?databaseName=` narrow it. */
export const GET = route(async (req: Request) => {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  return NextResponse.json({ alerts: await listActiveAlerts({ db: db(), input: params }) });
});
