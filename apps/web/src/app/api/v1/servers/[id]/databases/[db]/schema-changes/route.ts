import { listSchemaChanges } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** DDL change events (created / dropped / altered), newest first; `?schema=&name=&limit=`. */
export const GET = withAuth<{ id: string; db: string }>('viewer', async ({ request, params }) => {
  const q = new URL(request.url).searchParams;
  return NextResponse.json({
    changes: await listSchemaChanges({
      db: db(),
      input: {
        serverId: params.id,
        database: decodeURIComponent(params.db),
        schema: q.get('schema') ?? undefined,
        name: q.get('name') ?? undefined,
        limit: q.get('limit') ?? undefined,
      },
    }),
  });
});
