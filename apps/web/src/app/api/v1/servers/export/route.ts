import { exportRegistry } from '@pgvigil/db/registry';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The registry as JSON, clusters by name, without any secret. */
export const GET = withAuth('admin', async ({ audit }) => {
  const doc = await exportRegistry(db());
  await audit('registry.export', 'registry', null, { servers: doc.servers.length });
  return NextResponse.json(doc, {
    headers: { 'content-disposition': 'attachment; filename="pgvigil-registry.json"' },
  });
});
