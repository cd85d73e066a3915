'use client';

import { useState, type FormEvent } from 'react';
import styles from './admin.module.css';
import { api, type ApiError } from './api';
import { ErrorBox, Field } from './field';

/** Changes the signed-in user's own password. */
export function PasswordForm() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const r = await api('POST', '/auth/password', { currentPassword, newPassword });
    setDone(r.ok);
    setError(r.ok ? null : r.error);
    if (r.ok) {
      setCurrent('');
      setNew('');
    }
  }

  return (
    <form
      className={`${styles.panel} ${styles.form}`}
      onSubmit={submit}
      aria-label="Change password"
    >
      <h2>Change password</h2>
      <div className={styles.grid2}>
        <Field label="Current password" error={error?.fields?.currentPassword}>
          <input
            type="password"
            value={currentPassword}
            onChange={(e) => setCurrent(e.target.value)}
            autoComplete="current-password"
            required
          />
        </Field>
        <Field
          label="New password"
          error={error?.fields?.newPassword}
          hint="At least 12 characters; other sessions are signed out"
        >
          <input
            type="password"
            value={newPassword}
            onChange={(e) => setNew(e.target.value)}
            autoComplete="new-password"
            required
          />
        </Field>
      </div>
      {error && !error.fields ? <ErrorBox message={error.message} hint={error.hint} /> : null}
      {done ? (
        <div className={styles.success} role="status">
          Password changed.
        </div>
      ) : null}
      <div>
        <button className={styles.button} type="submit">
          Change password
        </button>
      </div>
    </form>
  );
}
