import { importRegistry, registryDocumentSchema } from '@pgvigil/db/registry';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Creates or updates clusters and servers by name, all or nothing. */
export const POST = withAuth('admin', async ({ request, audit }) => {
  const doc = await readJson(request, registryDocumentSchema);
  const report = await importRegistry(db(), await secretBox(), doc);
  await audit('registry.import', 'registry', null, report);
  return NextResponse.json(report);
});
