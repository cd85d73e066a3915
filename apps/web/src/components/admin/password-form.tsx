'use client';

import { useState, type FormEvent } from 'react';
import styles from './admin.module.css';
import { api, type ApiError } from './api';
import { Field, FormPanel } from './field';

const FIELDS = [
  { key: 'currentPassword', label: 'Current password', autoComplete: 'current-password' },
  {
    key: 'newPassword',
    label: 'New password',
    autoComplete: 'new-password',
    hint: 'At least 12 characters; other sessions are signed out',
  },
] as const;
const EMPTY = { currentPassword: '', newPassword: '' };

/** Changes the signed-in user's own password. */
export function PasswordForm() {
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const r = await api('POST', '/auth/password', form);
    setDone(r.ok);
    setError(r.ok ? null : r.error);
    if (r.ok) setForm(EMPTY);
  }

  return (
    <FormPanel
      label="Change password"
      title="Change password"
      onSubmit={submit}
      error={error}
      submitLabel="Change password"
      bannerUnlessFields
      after={
        done ? (
          <div className={styles.success} role="status">
            Password changed.
          </div>
        ) : null
      }
    >
      {FIELDS.map((f) => (
        <Field
          key={f.key}
          label={f.label}
          error={error?.fields?.[f.key]}
          hint={'hint' in f ? f.hint : undefined}
        >
          <input
            type="password"
            value={form[f.key]}
            onChange={(e) => setForm({ ...form, [f.key]: e.target.value })}
            autoComplete={f.autoComplete}
            required
          />
        </Field>
      ))}
    </FormPanel>
  );
}
