import { exportRegistry as readRegistry } from '@pgvigil/db/registry';
import { exportRegistry } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The registry as JSON, clusters by name, without any secret. */
export const GET = withAuth('admin', async ({ audit }) => {
  const doc = await readRegistry(db());
  await audit('registry.export', 'registry', null, { servers: doc.servers.length });
  return reply(exportRegistry, doc, {
    headers: { 'content-disposition': 'attachment; filename="pgvigil-registry.json"' },
  });
});
