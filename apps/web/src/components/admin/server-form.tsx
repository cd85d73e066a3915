'use client';

import { ENVIRONMENTS, SERVER_KINDS, SSL_MODES, type ServerKind } from '@pgvigil/schema';
import type { Cluster, ConnectionTest, Server } from '@/contract';
import { useState, type FormEvent, type InputHTMLAttributes } from 'react';
import styles from './admin.module.css';
import { api, type ApiError } from './api';
import { ConnectionStringInput } from './connection-string-input';
import { MASK } from './conninfo-mask';
import { OptionsSelect } from './data-table';
import { ApiErrorBanner, Field } from './field';
import { initialSsh, sshBody, SshFields, type SshState } from './ssh-fields';
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
function toBody(
  s: State,
  ssh: SshState,
  mode: 'url' | 'fields',
  editing: boolean,
  pooler: { kind: ServerKind; fronts: number[] },
): Record<string, unknown> {
  const meta = {
    ...sshBody(ssh, editing),
    // the kind is chosen once, on creation; a pooler lists the servers it fronts
    ...(editing ? {} : { kind: pooler.kind }),
    ...(pooler.kind === 'pgbouncer' ? { fronts: pooler.fronts } : {}),
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
  servers = [],
  onDone,
}: {
  server: Server | null;
  clusters: Cluster[];
  /** the registered servers a pooler may front */
  servers?: Server[];
  onDone: () => void;
}) {
  const [s, setS] = useState<State>(initial(server));
  const [kind, setKind] = useState<ServerKind>(server?.kind ?? 'postgres');
  const [fronts, setFronts] = useState<number[]>(server?.fronts ?? []);
  const pooler = { kind, fronts };
  const chooseKind = (next: ServerKind) => {
    setKind(next);
    // the admin console of a pooler, on PgBouncer's port, unless already edited
    const defaults =
      next === 'pgbouncer'
        ? { port: '6432', dbname: 'pgbouncer', from: { port: '5432', dbname: 'postgres' } }
        : { port: '5432', dbname: 'postgres', from: { port: '6432', dbname: 'pgbouncer' } };
    setS({
      ...s,
      port: s.port === defaults.from.port ? defaults.port : s.port,
      dbname: s.dbname === defaults.from.dbname ? defaults.dbname : s.dbname,
    });
  };
  const [ssh, setSsh] = useState<SshState>(initialSsh(server));
  const [mode, setMode] = useState<'url' | 'fields'>(server ? 'fields' : 'url');
  const [error, setError] = useState<ApiError | null>(null);
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const set = (key: keyof State) => (e: { target: { value: string } }) =>
    setS({ ...s, [key]: e.target.value });
  const f = error?.fields ?? {};

  async function runTest() {
    setBusy('test');
    setError(null);
    setTest(null);
    const body = {
      ...toBody(s, ssh, mode, !!server, pooler),
      ...(server ? { serverId: server.id } : {}),
    };
    const result = await api<ConnectionTest>('POST', '/servers/test', body);
    setBusy(null);
    if (result.ok) setTest(result.data);
    else setError(result.error);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy('save');
    setError(null);
    const body = toBody(s, ssh, mode, !!server, pooler);
    const result = server
      ? await api('PATCH', `/servers/${server.id}`, body)
      : await api('POST', '/servers', body);
    setBusy(null);
    if (result.ok) onDone();
    else setError(result.error);
  }

  const stored = (has: boolean | undefined) =>
    has ? 'Stored; leave blank to keep it.' : undefined;
  // One labelled input bound to a key of the form state.
  const input = (
    key: keyof State,
    label: string,
    props: InputHTMLAttributes<HTMLInputElement> = {},
    hint?: string,
  ) => (
    <Field label={label} error={f[key]} hint={hint}>
      <input name={key} value={s[key]} onChange={set(key)} {...props} />
    </Field>
  );
  const choice = (key: 'environment' | 'sslmode', label: string, options: readonly string[]) => (
    <Field label={label} error={f[key]}>
      <OptionsSelect
        name={key}
        options={options}
        value={s[key]}
        onChange={(value) => setS({ ...s, [key]: value })}
      />
    </Field>
  );
  const pem = (key: 'sslRootCert' | 'sslCert' | 'sslKey', label: string, hint?: string) => (
    <Field label={label} error={f[key]} hint={hint}>
      <textarea
        name={key}
        value={s[key]}
        onChange={set(key)}
        placeholder={
          key === 'sslKey' ? '-----BEGIN PRIVATE KEY-----' : '-----BEGIN CERTIFICATE-----'
        }
      />
    </Field>
  );
  return (
    <form
      className={`${styles.panel} ${styles.form}`}
      onSubmit={(e) => void save(e)}
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
        {input('name', 'Name', { required: true, placeholder: 'orders-primary' })}
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
        {choice('environment', 'Environment', ENVIRONMENTS)}
        {input('tags', 'Tags', {}, 'Comma-separated')}
        <Field
          label="Kind"
          error={f.kind}
          hint={
            server
              ? 'Fixed once registered.'
              : 'pgbouncer: the admin console of a pooler (database pgbouncer, a stats_users role).'
          }
        >
          {server ? (
            <input name="kind" value={kind} readOnly />
          ) : (
            <OptionsSelect
              name="kind"
              options={SERVER_KINDS}
              value={kind}
              onChange={(value) => chooseKind(value as ServerKind)}
            />
          )}
        </Field>
        {kind === 'pgbouncer' ? (
          <Field label="Fronts" error={f.fronts} hint="The servers this pooler connects to.">
            <select
              name="fronts"
              multiple
              value={fronts.map(String)}
              onChange={(e) => setFronts([...e.target.selectedOptions].map((o) => Number(o.value)))}
            >
              {servers
                .filter((x) => x.kind === 'postgres')
                .map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
            </select>
          </Field>
        ) : null}
      </div>
      {mode === 'url' ? (
        <Field
          label="Connection string"
          hint={
            `postgresql://user:password@host:5432/db?sslmode=require, or host=... user=... ` +
            `(percent-encode special characters in a URL password). The password shows as ${MASK}.` +
            (server?.hasPassword ? ' Leave the password out to keep the stored one.' : '')
          }
          error={f.url}
        >
          <ConnectionStringInput value={s.url} onChange={(url) => setS({ ...s, url })} />
        </Field>
      ) : (
        <>
          <div className={styles.grid2}>
            {input('host', 'Host', { required: true })}
            {input('port', 'Port', { inputMode: 'numeric' })}
            {input('dbname', 'Maintenance database')}
            {input('username', 'User', { autoComplete: 'off', required: true })}
            {input(
              'password',
              'Password',
              { type: 'password', autoComplete: 'new-password' },
              stored(server?.hasPassword),
            )}
            {choice('sslmode', 'sslmode', SSL_MODES)}
          </div>
          <details>
            <summary>Certificates (PEM, pasted)</summary>
            <div className={styles.grid2}>
              {pem('sslRootCert', 'CA certificate')}
              {pem('sslCert', 'Client certificate')}
              {pem('sslKey', 'Client key', stored(server?.hasSslKey))}
            </div>
          </details>
        </>
      )}
      <SshFields value={ssh} onChange={setSsh} server={server} errors={f} />
      {input('description', 'Description')}
      <ApiErrorBanner error={error} />
      {test ? <TestResult result={test} /> : null}
      <div className={styles.row}>
        <button
          type="button"
          className={styles.secondary}
          onClick={() => void runTest()}
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
