import { countUsers } from '@pgvigil/db/accounts';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import styles from '@/components/admin/admin.module.css';
import { LoginForm } from '@/components/admin/auth-forms';
import { ErrorBox } from '@/components/admin/field';
import { safeNext } from '@/components/shell/safe-next';
import { currentUser } from '@/server/auth';
import { OIDC_BASE_PATH, oidcSettings } from '@/server/auth/oidc';
import { PEER_HEADER, peerHeaderTrusted } from '@/server/auth/peer';
import { addressMatcher } from '@/server/auth/sso';
import type { SsoRefusal } from '@/server/auth/sso-session';
import { db } from '@/server/db';
import { env } from '@/server/env';

export const metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

const REFUSALS: Record<SsoRefusal, { message: string; hint: string }> = {
  denied: {
    message: 'Single sign-on worked, but your groups give you no role in pgvigil.',
    hint: 'Ask an administrator to add you to a group pgvigil maps to a role.',
  },
  disabled: {
    message: 'Your pgvigil account is disabled.',
    hint: 'An administrator can enable it under Admin > Users.',
  },
  taken: {
    message: 'Your user name belongs to another pgvigil account.',
    hint: 'An administrator can rename or delete that account; pgvigil never merges accounts by name.',
  },
  failed: {
    message: 'Single sign-on failed: the answer from the identity provider did not check out.',
    hint: 'Try again from this page; the server log says which check failed.',
  },
  unavailable: {
    message: 'The identity provider did not answer.',
    hint: 'Try again later; the server log has the details.',
  },
};

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; sso?: string; local?: string }>;
}) {
  if ((await countUsers(db())) === 0) redirect('/setup');
  const params = await searchParams;
  const next = safeNext(params.next);
  if (await currentUser()) redirect(next);
  const e = env();
  const query = next === '/' ? '' : `?next=${encodeURIComponent(next)}`;
  // behind the authenticating proxy, the proxy has already said who this is
  if (e.PGVIGIL_AUTH_PROXY_HEADER && !params.sso) {
    const h = await headers();
    const peer = peerHeaderTrusted() ? h.get(PEER_HEADER) : null;
    if (
      peer &&
      h.get(e.PGVIGIL_AUTH_PROXY_HEADER) &&
      addressMatcher(e.PGVIGIL_AUTH_PROXY_ADDRESSES)(peer)
    )
      redirect(`/api/v1/auth/proxy${query}`);
  }
  const refusal = REFUSALS[params.sso as SsoRefusal] as (typeof REFUSALS)[SsoRefusal] | undefined;
  const sso = oidcSettings() !== null;
  const passwordForm = e.PGVIGIL_LOCAL_LOGIN || params.local === '1';
  return (
    <LoginForm next={next} passwordForm={passwordForm}>
      {refusal ? <ErrorBox message={refusal.message} hint={refusal.hint} /> : null}
      {sso ? (
        <p>
          <a className={styles.button} href={`${OIDC_BASE_PATH}/login${query}`}>
            Sign in with single sign-on
          </a>
        </p>
      ) : null}
      {!passwordForm ? (
        <p className={styles.hint}>
          Password sign-in is turned off.{' '}
          <a href={`/login?local=1${next === '/' ? '' : `&next=${encodeURIComponent(next)}`}`}>
            Break-glass administrator
          </a>
        </p>
      ) : null}
    </LoginForm>
  );
}
