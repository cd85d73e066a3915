import { countUsers } from '@pgvigil/db/accounts';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/admin/auth-forms';
import { currentUser } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

// Only local paths: `next` must never send a signed-in user to another site.
const safeNext = (next: string | undefined) => (next && /^\/(?!\/)[^\\]*$/.test(next) ? next : '/');

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
