import { countUsers } from '@pgvigil/db/accounts';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { SetupForm } from '@/components/admin/auth-forms';
import { clientIp } from '@/server/auth/authenticate';
import { isLoopback } from '@/server/auth/peer';
import { db } from '@/server/db';
import { env } from '@/server/env';

export const metadata = { title: 'First-run setup' };
export const dynamic = 'force-dynamic';

/** Shown only while no user exists; afterwards it sends visitors to sign in. */
export default async function SetupPage() {
  if ((await countUsers(db())) > 0) redirect('/login');
  const ip = clientIp(await headers(), env().PGVIGIL_TRUST_PROXY);
  return <SetupForm askSetupToken={!isLoopback(ip)} />;
}
