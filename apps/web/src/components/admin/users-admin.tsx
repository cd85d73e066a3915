'use client';

import { ROLES } from '@pgvigil/db/domain';
import type { User } from '@pgvigil/db/accounts';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import styles from './admin.module.css';
import { api, type ApiError } from './api';
import { ErrorBox, Field } from './field';

export function UsersAdmin({ users, me }: { users: User[]; me: number }) {
  const router = useRouter();
  const [form, setForm] = useState({ username: '', password: '', role: 'viewer' });
  const [error, setError] = useState<ApiError | null>(null);

  async function act(result: Promise<{ ok: boolean; error?: ApiError }>) {
    const r = await result;
    if (!r.ok && r.error) return setError(r.error);
    setError(null);
    router.refresh();
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    const r = await api('POST', '/users', form);
    if (!r.ok) return setError(r.error);
    setForm({ username: '', password: '', role: 'viewer' });
    setError(null);
    router.refresh();
  }

  return (
    <div className={styles.page}>
      <h1>Users</h1>
      <p className={styles.hint}>
        Admins manage everything; editors manage rules, overrides, blackouts and acknowledgements;
        viewers read.
      </p>
      <form className={`${styles.panel} ${styles.form}`} onSubmit={create} aria-label="Add a user">
        <div className={styles.grid2}>
          <Field label="User name" error={error?.fields?.username}>
            <input
              value={form.username}
              onChange={(e) => setForm({ ...form, username: e.target.value })}
              required
              autoComplete="off"
            />
          </Field>
          <Field
            label="Initial password"
            error={error?.fields?.password}
            hint="At least 12 characters"
          >
            <input
              type="password"
              value={form.password}
              onChange={(e) => setForm({ ...form, password: e.target.value })}
              required
              autoComplete="new-password"
            />
          </Field>
          <Field label="Role">
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </Field>
        </div>
        {error ? <ErrorBox message={error.message} hint={error.hint} /> : null}
        <div>
          <button className={styles.button} type="submit">
            Add user
          </button>
        </div>
      </form>
      <div className={styles.panel}>
        <table className={styles.table} aria-label="Users">
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.username}
                  {u.id === me ? <span className={styles.hint}> (you)</span> : null}
                </td>
                <td>
                  <select
                    aria-label={`Role of ${u.username}`}
                    value={u.role}
                    onChange={(e) => act(api('PATCH', `/users/${u.id}`, { role: e.target.value }))}
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>{u.disabled ? 'disabled' : 'active'}</td>
                <td className={styles.row}>
                  <button
                    type="button"
                    className={styles.secondary}
                    onClick={() => act(api('PATCH', `/users/${u.id}`, { disabled: !u.disabled }))}
                  >
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                  <button
                    type="button"
                    className={styles.secondary}
                    onClick={() => {
                      const password = window.prompt(
                        `New password for ${u.username} (12+ characters)`,
                      );
                      if (password) void act(api('PATCH', `/users/${u.id}`, { password }));
                    }}
                  >
                    Reset password
                  </button>
                  <button
                    type="button"
                    className={styles.danger}
                    onClick={() =>
                      window.confirm(`Delete user ${u.username}?`) &&
                      act(api('DELETE', `/users/${u.id}`))
                    }
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
