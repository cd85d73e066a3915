import { listSchemaChanges as readSchemaChanges } from '@pgvigil/db/dashboard';
import { listSchemaChanges } from '@/contract';
import { pageByOffset, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** DDL change events (created / dropped / altered), newest first; `?schema=&name=`. */
export const GET = withAuth<{ id: string; db: string }>('viewer', async ({ request, params }) => {
  const q = readQuery(request, listSchemaChanges);
  const page = await pageByOffset(q, (window) =>
    readSchemaChanges({
      db: db(),
      input: {
        serverId: params.id,
        database: decodeURIComponent(params.db),
        schema: q.schema,
        name: q.name,
        ...window,
      },
    }),
  );
  return reply(listSchemaChanges, { changes: page.items, nextCursor: page.nextCursor });
});
