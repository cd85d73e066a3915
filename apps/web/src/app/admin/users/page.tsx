import { listUsers } from '@pgvigil/db/accounts';
import { UsersAdmin } from '@/components/admin/users-admin';
import { requirePageUser } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Users' };
export const dynamic = 'force-dynamic';

export default async function UsersPage() {
  const me = await requirePageUser('admin', '/admin/users');
  return <UsersAdmin users={await listUsers(db())} me={me.id} />;
}
