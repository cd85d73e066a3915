'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent, type ReactNode } from 'react';
import styles from './admin.module.css';
import { safeNext } from '../shell/safe-next';
import { api, type ApiError } from './api';
import { ErrorBox, Field } from './field';

function CredentialsForm({
  title,
  intro,
  submitLabel,
  path,
  next,
  newPassword,
  askSetupToken = false,
  children,
  passwordForm = true,
}: {
  title: string;
  intro: string;
  submitLabel: string;
  path: string;
  next: string;
  newPassword: boolean;
  askSetupToken?: boolean;
  /** shown above the form: single sign-on, and why it was refused */
  children?: ReactNode;
  passwordForm?: boolean;
}) {
  const router = useRouter();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [setupToken, setSetupToken] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await api('POST', path, {
      username,
      password,
      ...(askSetupToken ? { setupToken } : {}),
    });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    router.replace(safeNext(next));
    router.refresh();
  }

  return (
    <div className={`${styles.panel} ${styles.narrow}`}>
      <h1>{title}</h1>
      <p className={styles.hint}>{intro}</p>
      {children}
      {passwordForm ? (
        <form className={styles.form} onSubmit={(e) => void submit(e)}>
          <Field label="User name" error={error?.fields?.username}>
            <input
              name="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
            />
          </Field>
          <Field
            label="Password"
            error={error?.fields?.password}
            {...(newPassword ? { hint: 'At least 12 characters; not a common password.' } : {})}
          >
            <input
              name="password"
              type="password"
              autoComplete={newPassword ? 'new-password' : 'current-password'}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </Field>
          {askSetupToken ? (
            <Field
              label="Setup token"
              error={error?.fields?.setupToken}
              hint="From another machine, setup needs the token npm start printed (also in $PGVIGIL_HOME/setup.token)."
            >
              <input
                name="setupToken"
                autoComplete="off"
                value={setupToken}
                onChange={(e) => setSetupToken(e.target.value)}
                required
              />
            </Field>
          ) : null}
          {error && !error.fields ? <ErrorBox message={error.message} hint={error.hint} /> : null}
          <button className={styles.button} type="submit" disabled={busy}>
            {busy ? 'Please wait…' : submitLabel}
          </button>
        </form>
      ) : null}
    </div>
  );
}

export function SetupForm({ askSetupToken }: { askSetupToken: boolean }) {
  return (
    <CredentialsForm
      askSetupToken={askSetupToken}
      title="Welcome to pgvigil"
      intro="Create the first administrator. You will add the servers to monitor next."
      submitLabel="Create admin account"
      path="/setup"
      next="/admin/servers"
      newPassword
    />
  );
}

export function LoginForm({
  next,
  children,
  passwordForm = true,
}: {
  next: string;
  children?: ReactNode;
  passwordForm?: boolean;
}) {
  return (
    <CredentialsForm
      title="Sign in"
      intro="Sign in to pgvigil."
      submitLabel="Sign in"
      path="/auth/login"
      next={next}
      newPassword={false}
      passwordForm={passwordForm}
    >
      {children}
    </CredentialsForm>
  );
}

export function LogoutButton() {
  const router = useRouter();
  return (
    <button
      className={styles.secondary}
      type="button"
      onClick={() =>
        void (async () => {
          const done = await api<{ endSessionUrl: string | null }>('POST', '/auth/logout');
          // a single sign-on session also ends at the provider, which returns to /login
          const idp = done.ok ? done.data.endSessionUrl : null;
          if (idp && /^https?:\/\//.test(idp)) {
            window.location.assign(idp);
            return;
          }
          router.replace('/login');
          router.refresh();
        })()
      }
    >
      Sign out
    </button>
  );
}
