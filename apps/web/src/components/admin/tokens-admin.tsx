'use client';

import type { ApiToken } from '@pgvigil/db/accounts';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import styles from './admin.module.css';
import { api, type ApiError } from './api';
import { ErrorBox, Field } from './field';

const fmt = (d: Date | string | null) =>
  d ? new Date(d).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—';

export function TokensAdmin({ tokens }: { tokens: ApiToken[] }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    const body = {
      name,
      ...(expires ? { expiresAt: new Date(`${expires}T00:00:00Z`).toISOString() } : {}),
    };
    const r = await api<{ token: string }>('POST', '/tokens', body);
    if (!r.ok) return setError(r.error);
    setError(null);
    setCreated(r.data.token);
    setName('');
    router.refresh();
  }

  async function revoke(t: ApiToken) {
    if (!window.confirm(`Revoke ${t.name}? Scripts using it stop working.`)) return;
    const r = await api('DELETE', `/tokens/${t.id}`);
    if (!r.ok) return setError(r.error);
    router.refresh();
  }

  return (
    <div className={styles.page}>
      <h1>API tokens</h1>
      <p className={styles.hint}>
        Send a token as <code>Authorization: Bearer &lt;token&gt;</code>. It acts with your role,
        never more.
      </p>
      {created ? (
        <div className={styles.success} role="status">
          <strong>Copy this token now; it is not shown again.</strong>
          <pre className={styles.code} data-testid="new-token">
            {created}
          </pre>
        </div>
      ) : null}
      <form
        className={`${styles.panel} ${styles.form}`}
        onSubmit={create}
        aria-label="Create a token"
      >
        <div className={styles.grid2}>
          <Field label="Name" error={error?.fields?.name}>
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              placeholder="ci-deploy"
            />
          </Field>
          <Field label="Expires (optional)" error={error?.fields?.expiresAt}>
            <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
          </Field>
        </div>
        {error ? <ErrorBox message={error.message} hint={error.hint} /> : null}
        <div>
          <button className={styles.button} type="submit">
            Create token
          </button>
        </div>
      </form>
      <div className={styles.panel}>
        <table className={styles.table} aria-label="Tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Starts with</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{fmt(t.createdAt)}</td>
                <td>{fmt(t.expiresAt)}</td>
                <td>{fmt(t.lastUsedAt)}</td>
                <td>
                  {t.revokedAt ? (
                    <span className={styles.hint}>revoked {fmt(t.revokedAt)}</span>
                  ) : (
                    <button type="button" className={styles.danger} onClick={() => revoke(t)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
