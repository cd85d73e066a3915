import { listAudit } from '@pgvigil/db/accounts';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

const query = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});

/** The audit log, newest first; `?before=<id>` pages back. */
export const GET = withAuth('admin', async ({ request }) => {
  const q = parseOr400(query, Object.fromEntries(new URL(request.url).searchParams));
  return NextResponse.json({
    entries: await listAudit(db(), { limit: q.limit, beforeId: q.before }),
  });
});
