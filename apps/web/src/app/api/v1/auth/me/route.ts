import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';

export const dynamic = 'force-dynamic';

/** Who the caller is, and how they authenticated. */
export const GET = withAuth('viewer', async ({ user, via }) => NextResponse.json({ user, via }));
