import { createServer, listServers } from '@pgvigil/db/registry';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { readJson } from '@/server/validate';
import { changedFields, serverBodySchema, toCreateInput } from './server-input';

export const dynamic = 'force-dynamic';

export const GET = withAuth('viewer', async () =>
  NextResponse.json({ servers: await listServers(db()) }),
);

export const POST = withAuth('admin', async ({ request, audit }) => {
  const body = await readJson(request, serverBodySchema);
  const server = await createServer(db(), await secretBox(), toCreateInput(body));
  await audit('server.create', 'server', server.id, {
    name: server.name,
    fields: changedFields(body),
  });
  return NextResponse.json({ server }, { status: 201 });
});
