import { countUsers } from '@pgvigil/db/accounts';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/admin/auth-forms';
import { safeNext } from '@/components/shell/safe-next';
import { currentUser } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string }>;
}) {
  if ((await countUsers(db())) === 0) redirect('/setup');
  const next = safeNext((await searchParams).next);
  if (await currentUser()) redirect(next);
  return <LoginForm next={next} />;
}
