import { listServerDatabases } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The databases last seen on a server, with commit/rollback rates and cache hit ratio. */
export const GET = withAuth<{ id: string }>('viewer', async ({ params, at }) =>
  NextResponse.json({
    databases: await listServerDatabases({ db: db(), input: { serverId: params.id }, at }),
  }),
);
