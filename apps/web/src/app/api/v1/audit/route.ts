import { listAudit as readAudit } from '@pgvigil/db/accounts';
import { z } from 'zod';
import { listAudit } from '@/contract';
import { decodeCursor, encodeCursor, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Pages by id, so entries written meanwhile neither repeat nor shift a page. */
const cursor = z.strictObject({ before: z.number().int().positive() });

/** The audit log, newest first. */
export const GET = withAuth('admin', async ({ request }) => {
  const q = readQuery(request, listAudit);
  const before = decodeCursor(q.cursor, cursor)?.before;
  const rows = await readAudit(db(), { limit: q.limit + 1, beforeId: before });
  const entries = rows.slice(0, q.limit);
  const last = entries[entries.length - 1];
  return reply(listAudit, {
    entries,
    nextCursor: rows.length > q.limit && last ? encodeCursor({ before: last.id }) : null,
  });
});
