import { getIndexAdvice as readIndexAdvice } from '@pgvigil/db/dashboard';
import { getIndexAdvice } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Indexes of a database to drop or rebuild, each with its statement and what it frees. */
export const GET = withAuth<{ id: string; db: string }>('viewer', async ({ params, at }) =>
  reply(
    getIndexAdvice,
    await readIndexAdvice({
      db: db(),
      input: { serverId: params.id, database: decodeURIComponent(params.db) },
      at,
    }),
  ),
);
