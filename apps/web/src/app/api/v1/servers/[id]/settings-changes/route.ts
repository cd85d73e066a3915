import { listChangedSettings, listSettingChanges } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Setting changes newest first (`?limit=`) and the settings not at their built-in default. */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params }) => {
  const limit = new URL(request.url).searchParams.get('limit') ?? undefined;
  const [changes, current] = await Promise.all([
    listSettingChanges({ db: db(), input: { serverId: params.id, limit } }),
    listChangedSettings({ db: db(), input: { serverId: params.id } }),
  ]);
  return NextResponse.json({ changes, current });
});
