import { importRegistry as writeRegistry, registryDocumentSchema } from '@pgvigil/db/registry';
import { importRegistry } from '@/contract';
import { readBody, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Creates or updates clusters and servers by name, all or nothing. */
export const POST = withAuth('admin', async ({ request, audit }) => {
  // the contract's shape first, then the registry's own rules (PEM text, not paths...)
  const doc = parseOr400(registryDocumentSchema, await readBody(request, importRegistry));
  const report = await writeRegistry(db(), await secretBox(), doc);
  await audit('registry.import', 'registry', null, report);
  return reply(importRegistry, report);
});
