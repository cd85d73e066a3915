import { listApiTokens } from '@pgvigil/db/accounts';
import styles from '@/components/admin/admin.module.css';
import { LogoutButton } from '@/components/admin/auth-forms';
import { PasswordForm } from '@/components/admin/password-form';
import { TokensAdmin } from '@/components/admin/tokens-admin';
import { requirePageUser } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'API tokens' };
export const dynamic = 'force-dynamic';

export default async function TokensPage() {
  const me = await requirePageUser('viewer', '/settings/tokens');
  return (
    <div className={styles.page}>
      <div className={styles.row}>
        <span className={styles.hint} style={{ flex: 1 }}>
          Signed in as <strong>{me.username}</strong> ({me.role})
        </span>
        <LogoutButton />
      </div>
      <TokensAdmin tokens={await listApiTokens(db(), me.id)} />
      <PasswordForm />
    </div>
  );
}
