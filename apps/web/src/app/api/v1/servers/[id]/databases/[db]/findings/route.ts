import { listDatabaseFindings } from '@pgvigil/db/dashboard';
import { getDatabaseFindings } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Sequences closest to running out and tables without a primary key. */
export const GET = withAuth<{ id: string; db: string }>('viewer', async ({ params, at }) =>
  reply(
    getDatabaseFindings,
    await listDatabaseFindings({
      db: db(),
      input: { serverId: params.id, database: decodeURIComponent(params.db) },
      at,
    }),
  ),
);
