import { countUsers } from '@pgvigil/db/accounts';
import { redirect } from 'next/navigation';
import { SetupForm } from '@/components/admin/auth-forms';
import { db } from '@/server/db';

export const metadata = { title: 'First-run setup' };
export const dynamic = 'force-dynamic';

/** Shown only while no user exists; afterwards it sends visitors to sign in. */
export default async function SetupPage() {
  if ((await countUsers(db())) > 0) redirect('/login');
  return <SetupForm />;
}
