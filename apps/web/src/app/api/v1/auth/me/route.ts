import { me } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';

export const dynamic = 'force-dynamic';

/** Who the caller is, and how they authenticated. */
export const GET = withAuth('viewer', async ({ user, via }) => reply(me, { user, via }));
