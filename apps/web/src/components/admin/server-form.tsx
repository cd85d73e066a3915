'use client';

import { ENVIRONMENTS, SSL_MODES } from '@pgvigil/db/domain';
import type { Cluster, Server } from '@pgvigil/db/registry';
import type { TestConnectionResult } from '@pgvigil/probes';
import { useState, type FormEvent } from 'react';
import styles from './admin.module.css';
import { api, type ApiError } from './api';
import { ErrorBox, Field } from './field';
import { TestResult } from './test-result';

type State = Record<
  | 'name'
  | 'url'
  | 'host'
  | 'port'
  | 'dbname'
  | 'username'
  | 'password'
  | 'sslmode'
  | 'sslRootCert'
  | 'sslCert'
  | 'sslKey'
  | 'description'
  | 'clusterId'
  | 'environment'
  | 'tags',
  string
>;

function initial(server: Server | null): State {
  return {
    name: server?.name ?? '',
    url: '',
    host: server?.host ?? '',
    port: String(server?.port ?? 5432),
    dbname: server?.dbname ?? 'postgres',
    username: server?.username ?? '',
    password: '',
    sslmode: server?.sslmode ?? 'prefer',
    sslRootCert: server?.sslRootCert ?? '',
    sslCert: server?.sslCert ?? '',
    sslKey: '',
    description: server?.description ?? '',
    clusterId: server?.clusterId ? String(server.clusterId) : '',
    environment: server?.environment ?? 'production',
    tags: server?.tags.join(', ') ?? '',
  };
}

/** The request body: the pasted URL, or the fields; blank secrets are left out so stored ones stay. */
function toBody(s: State, mode: 'url' | 'fields', editing: boolean): Record<string, unknown> {
  const meta = {
    name: s.name,
    description: s.description,
    environment: s.environment,
    clusterId: s.clusterId ? Number(s.clusterId) : null,
    tags: s.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  };
  if (mode === 'url') return { ...meta, url: s.url };
  return {
    ...meta,
    host: s.host,
    port: Number(s.port),
    dbname: s.dbname,
    username: s.username,
    sslmode: s.sslmode,
    ...(s.password ? { password: s.password } : {}),
    ...(s.sslRootCert ? { sslRootCert: s.sslRootCert } : editing ? { sslRootCert: null } : {}),
    ...(s.sslCert ? { sslCert: s.sslCert } : editing ? { sslCert: null } : {}),
    ...(s.sslKey ? { sslKey: s.sslKey } : {}),
  };
}

export function ServerForm({
  server,
  clusters,
  onDone,
}: {
  server: Server | null;
  clusters: Cluster[];
  onDone: () => void;
}) {
  const [s, setS] = useState<State>(initial(server));
  const [mode, setMode] = useState<'url' | 'fields'>(server ? 'fields' : 'url');
  const [error, setError] = useState<ApiError | null>(null);
  const [test, setTest] = useState<TestConnectionResult | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const set = (key: keyof State) => (e: { target: { value: string } }) =>
    setS({ ...s, [key]: e.target.value });
  const f = error?.fields ?? {};

  async function runTest() {
    setBusy('test');
    setError(null);
    setTest(null);
    const body = { ...toBody(s, mode, !!server), ...(server ? { serverId: server.id } : {}) };
    const result = await api<TestConnectionResult>('POST', '/servers/test', body);
    setBusy(null);
    if (result.ok) setTest(result.data);
    else setError(result.error);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy('save');
    setError(null);
    const body = toBody(s, mode, !!server);
    const result = server
      ? await api('PATCH', `/servers/${server.id}`, body)
      : await api('POST', '/servers', body);
    setBusy(null);
    if (result.ok) onDone();
    else setError(result.error);
  }

  const storedSecret = (has: boolean | undefined) =>
    has ? 'Stored; leave blank to keep it.' : undefined;
  return (
    <form
      className={`${styles.panel} ${styles.form}`}
      onSubmit={save}
      aria-label={server ? `Edit ${server.name}` : 'Add a server'}
    >
      <h2>{server ? `Edit ${server.name}` : 'Add a server'}</h2>
      <div className={styles.tabs} role="tablist">
        {(['url', 'fields'] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={mode === m}
            className={mode === m ? styles.button : styles.secondary}
            onClick={() => setMode(m)}
          >
            {m === 'url' ? 'Paste a connection string' : 'Enter fields'}
          </button>
        ))}
      </div>
      <div className={styles.grid2}>
        <Field label="Name" error={f.name}>
          <input
            name="name"
            value={s.name}
            onChange={set('name')}
            required
            placeholder="orders-primary"
          />
        </Field>
        <Field label="Cluster" error={f.clusterId}>
          <select name="clusterId" value={s.clusterId} onChange={set('clusterId')}>
            <option value="">(none)</option>
            {clusters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Environment" error={f.environment}>
          <select name="environment" value={s.environment} onChange={set('environment')}>
            {ENVIRONMENTS.map((e) => (
              <option key={e}>{e}</option>
            ))}
          </select>
        </Field>
        <Field label="Tags" hint="Comma-separated" error={f.tags}>
          <input name="tags" value={s.tags} onChange={set('tags')} />
        </Field>
      </div>
      {mode === 'url' ? (
        <Field
          label="Connection string"
          hint="postgresql://user:password@host:5432/db?sslmode=require, or host=... user=... (percent-encode special characters in a URL password)"
          error={f.url}
        >
          <input
            name="url"
            value={s.url}
            onChange={set('url')}
            autoComplete="off"
            spellCheck={false}
            required
          />
        </Field>
      ) : (
        <>
          <div className={styles.grid2}>
            <Field label="Host" error={f.host}>
              <input name="host" value={s.host} onChange={set('host')} required />
            </Field>
            <Field label="Port" error={f.port}>
              <input name="port" inputMode="numeric" value={s.port} onChange={set('port')} />
            </Field>
            <Field label="Maintenance database" error={f.dbname}>
              <input name="dbname" value={s.dbname} onChange={set('dbname')} />
            </Field>
            <Field label="User" error={f.username}>
              <input
                name="username"
                value={s.username}
                onChange={set('username')}
                autoComplete="off"
                required
              />
            </Field>
            <Field
              label="Password"
              error={f.password}
              {...(server?.hasPassword ? { hint: 'Stored; leave blank to keep it.' } : {})}
            >
              <input
                name="password"
                type="password"
                value={s.password}
                onChange={set('password')}
                autoComplete="new-password"
              />
            </Field>
            <Field label="sslmode" error={f.sslmode}>
              <select name="sslmode" value={s.sslmode} onChange={set('sslmode')}>
                {SSL_MODES.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </Field>
          </div>
          <details>
            <summary>Certificates (PEM, pasted)</summary>
            <div className={styles.grid2}>
              <Field label="CA certificate" error={f.sslRootCert}>
                <textarea
                  name="sslRootCert"
                  value={s.sslRootCert}
                  onChange={set('sslRootCert')}
                  placeholder="-----BEGIN CERTIFICATE-----"
                />
              </Field>
              <Field label="Client certificate" error={f.sslCert}>
                <textarea name="sslCert" value={s.sslCert} onChange={set('sslCert')} />
              </Field>
              <Field
                label="Client key"
                error={f.sslKey}
                {...(storedSecret(server?.hasSslKey)
                  ? { hint: 'Stored; leave blank to keep it.' }
                  : {})}
              >
                <textarea name="sslKey" value={s.sslKey} onChange={set('sslKey')} />
              </Field>
            </div>
          </details>
        </>
      )}
      <Field label="Description" error={f.description}>
        <input name="description" value={s.description} onChange={set('description')} />
      </Field>
      {error ? <ErrorBox message={error.message} hint={error.hint} /> : null}
      {test ? <TestResult result={test} /> : null}
      <div className={styles.row}>
        <button
          type="button"
          className={styles.secondary}
          onClick={runTest}
          disabled={busy !== null}
        >
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className={styles.button} disabled={busy !== null}>
          {busy === 'save' ? 'Saving…' : server ? 'Save changes' : 'Save server'}
        </button>
        <button type="button" className={styles.secondary} onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
