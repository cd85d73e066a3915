import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { probeSettingsView, targetOf } from '@/server/probe-settings';

export const dynamic = 'force-dynamic';

/** Every probe's effective enabled/interval/retention at `?scope=&id=`, each with its source. */
export const GET = withAuth('viewer', async ({ request }) => {
  const target = targetOf(request);
  return NextResponse.json({ ...target, probes: await probeSettingsView(db(), target) });
});
