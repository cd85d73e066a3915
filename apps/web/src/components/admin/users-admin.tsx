'use client';

import { ROLES } from '@pgvigil/schema';
import type { User } from '@/contract';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import styles from './admin.module.css';
import { DataTable, OptionsSelect, RowActions, RowButton } from './data-table';
import { Field, FormPanel } from './field';
import { useApiMutation } from './use-api-mutation';

const EMPTY = { username: '', password: '', role: 'viewer' };
const SIGN_IN: Record<User['authSource'], string> = {
  local: 'password',
  oidc: 'single sign-on',
  proxy: 'proxy header',
};

export function UsersAdmin({ users, me }: { users: User[]; me: number }) {
  const [form, setForm] = useState(EMPTY);
  const { error, mutate, remove } = useApiMutation();
  const patch = (u: User, body: Record<string, unknown>) => mutate('PATCH', `/users/${u.id}`, body);

  async function create(event: FormEvent) {
    event.preventDefault();
    if ((await mutate('POST', '/users', form))?.ok) setForm(EMPTY);
  }

  function resetPassword(u: User) {
    const password = window.prompt(`New password for ${u.username} (12+ characters)`);
    if (password) void patch(u, { password });
  }

  return (
    <div className={styles.page}>
      <h1>Users</h1>
      <p className={styles.hint}>
        Admins manage everything; editors manage rules, overrides, blackouts and acknowledgements;
        viewers read.
      </p>
      <FormPanel label="Add a user" onSubmit={create} error={error} submitLabel="Add user">
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
          <OptionsSelect
            options={ROLES}
            value={form.role}
            onChange={(role) => setForm({ ...form, role })}
          />
        </Field>
      </FormPanel>
      <DataTable label="Users" headings={['User', 'Role', 'Sign-in', 'Status', '']}>
        {users.map((u) => (
          <tr key={u.id}>
            <td>
              {u.username}
              {u.id === me ? <span className={styles.hint}> (you)</span> : null}
            </td>
            <td>
              <OptionsSelect
                label={`Role of ${u.username}`}
                options={ROLES}
                value={u.role}
                onChange={(role) => void patch(u, { role })}
              />
            </td>
            <td>
              {SIGN_IN[u.authSource]}
              {u.authSource === 'local' ? null : (
                <span className={styles.hint}> (role follows the provider at each sign-in)</span>
              )}
            </td>
            <td>{u.disabled ? 'disabled' : 'active'}</td>
            <RowActions>
              {u.id === me ? (
                // Disabling or deleting yourself locks you out; your own password needs the current one.
                u.authSource === 'local' ? (
                  <Link className={styles.hint} href="/settings/tokens">
                    Change your password
                  </Link>
                ) : null
              ) : (
                <>
                  <RowButton onClick={() => patch(u, { disabled: !u.disabled })}>
                    {u.disabled ? 'Enable' : 'Disable'}
                  </RowButton>
                  {u.authSource === 'local' ? (
                    <RowButton onClick={() => resetPassword(u)}>Reset password</RowButton>
                  ) : null}
                  <RowButton
                    kind="danger"
                    onClick={() => remove(`/users/${u.id}`, `Delete user ${u.username}?`)}
                  >
                    Delete
                  </RowButton>
                </>
              )}
            </RowActions>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
