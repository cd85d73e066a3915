'use client';

import { TOKEN_SCOPES, type TokenScope } from '@pgvigil/schema';
import type { ApiToken } from '@/contract';
import { useState, type FormEvent } from 'react';
import styles from './admin.module.css';
import { DataTable, RowActions, RowButton } from './data-table';
import { Field, FormPanel } from './field';
import { useApiMutation } from './use-api-mutation';

const SCOPE_LABELS: Record<TokenScope, string> = {
  full: 'full (what you may do)',
  read: 'read-only',
  metrics: 'metrics (a Prometheus scrape of /metrics only)',
};

const fmt = (d: Date | string | null) =>
  d ? new Date(d).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—';

export function TokensAdmin({ tokens }: { tokens: ApiToken[] }) {
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [scope, setScope] = useState<TokenScope>('full');
  const [created, setCreated] = useState<string | null>(null);
  const { error, mutate, remove } = useApiMutation();

  async function create(event: FormEvent) {
    event.preventDefault();
    const body = {
      name,
      scope,
      ...(expires ? { expiresAt: new Date(`${expires}T00:00:00Z`).toISOString() } : {}),
    };
    const r = await mutate<{ token: string }>('POST', '/tokens', body);
    if (!r?.ok) return;
    setCreated(r.data.token);
    setName('');
  }

  return (
    <div className={styles.page}>
      <h1>API tokens</h1>
      <p className={styles.hint}>
        Send a token as <code>Authorization: Bearer &lt;token&gt;</code>. It acts with your role,
        never more (read-only: it may only read; metrics: it may only scrape <code>/metrics</code>).
        Every token expires; changing your password revokes them all.
      </p>
      {created ? (
        <div className={styles.success} role="status">
          <strong>Copy this token now; it is not shown again.</strong>
          <pre className={styles.code} data-testid="new-token">
            {created}
          </pre>
        </div>
      ) : null}
      <FormPanel label="Create a token" onSubmit={create} error={error} submitLabel="Create token">
        <Field label="Name" error={error?.fields?.name}>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            placeholder="ci-deploy"
          />
        </Field>
        <Field label="Expires (default: in 90 days)" error={error?.fields?.expiresAt}>
          <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </Field>
        <Field label="Scope" error={error?.fields?.scope}>
          <select value={scope} onChange={(e) => setScope(e.target.value as TokenScope)}>
            {TOKEN_SCOPES.map((s) => (
              <option key={s} value={s}>
                {SCOPE_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
      </FormPanel>
      <DataTable
        label="Tokens"
        headings={['Name', 'Starts with', 'Scope', 'Created', 'Expires', 'Last used', '']}
        empty="No tokens yet."
      >
        {tokens.map((t) => (
          <tr key={t.id}>
            <td>{t.name}</td>
            <td>
              <code>{t.prefix}…</code>
            </td>
            <td>{SCOPE_LABELS[t.scope].split(' (')[0]}</td>
            <td>{fmt(t.createdAt)}</td>
            <td>{fmt(t.expiresAt)}</td>
            <td>{fmt(t.lastUsedAt)}</td>
            <RowActions>
              {t.revokedAt ? (
                <span className={styles.hint}>revoked {fmt(t.revokedAt)}</span>
              ) : (
                <RowButton
                  kind="danger"
                  onClick={() =>
                    remove(`/tokens/${t.id}`, `Revoke ${t.name}? Scripts using it stop working.`)
                  }
                >
                  Revoke
                </RowButton>
              )}
            </RowActions>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
