'use client';

import { authorizedKeysCommand } from '@pgvigil/schema';
import type { Server } from '@/contract';
import { useEffect, useState, type InputHTMLAttributes } from 'react';
import styles from './admin.module.css';
import { api } from './api';
import { Field } from './field';

export interface SshState {
  enabled: boolean;
  host: string;
  port: string;
  username: string;
  privateKey: string;
  passphrase: string;
}

export function initialSsh(server: Server | null): SshState {
  return {
    enabled: !!server?.ssh,
    host: server?.ssh?.host ?? '',
    port: String(server?.ssh?.port ?? 22),
    username: server?.ssh?.username ?? '',
    privateKey: '',
    passphrase: '',
  };
}

/** The `ssh` of the request body: blank secrets are left out so stored ones stay. */
export function sshBody(s: SshState, editing: boolean): Record<string, unknown> {
  if (!s.enabled) return editing ? { ssh: null } : {};
  return {
    ssh: {
      host: s.host,
      port: Number(s.port),
      username: s.username,
      ...(s.privateKey ? { privateKey: s.privateKey } : {}),
      ...(s.passphrase ? { passphrase: s.passphrase } : {}),
    },
  };
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className={styles.secondary}
      onClick={() =>
        void navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

/** pgvigil's own public key and the line that installs it on the bastion. */
function InstallationKey() {
  const [publicKey, setPublicKey] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    void api<{ publicKey: string }>('GET', '/ssh/public-key').then((r) => {
      if (!live) return;
      if (r.ok) setPublicKey(r.data.publicKey);
      else setFailed(true);
    });
    return () => {
      live = false;
    };
  }, []);
  if (failed) return <p className={styles.hint}>pgvigil&apos;s public key could not be read.</p>;
  if (!publicKey) return <p className={styles.hint}>Reading pgvigil&apos;s public key…</p>;
  const command = authorizedKeysCommand(publicKey);
  return (
    <div data-testid="ssh-public-key">
      <p className={styles.hint}>
        Without a private key of your own, pgvigil logs in with its installation key. Add it to{' '}
        <code>~/.ssh/authorized_keys</code> of the bastion user:
      </p>
      <pre className={styles.code}>{publicKey}</pre>
      <pre className={styles.code}>{command}</pre>
      <div className={styles.row}>
        <CopyButton text={publicKey} label="Copy public key" />
        <CopyButton text={command} label="Copy command" />
      </div>
    </div>
  );
}

/** The bastion section of the server form, the same in both modes of the form. */
export function SshFields({
  value,
  onChange,
  server,
  errors,
}: {
  value: SshState;
  onChange: (next: SshState) => void;
  server: Server | null;
  errors: Record<string, string>;
}) {
  const set = (key: Exclude<keyof SshState, 'enabled'>) => (e: { target: { value: string } }) =>
    onChange({ ...value, [key]: e.target.value });
  const input = (
    key: Exclude<keyof SshState, 'enabled'>,
    label: string,
    props: InputHTMLAttributes<HTMLInputElement> = {},
    hint?: string,
  ) => (
    <Field label={label} error={errors[`ssh.${key}`] ?? errors[key]} hint={hint}>
      <input name={`ssh.${key}`} value={value[key]} onChange={set(key)} {...props} />
    </Field>
  );
  const storedKey = server?.ssh?.hasPrivateKey
    ? 'Stored; leave blank to keep it.'
    : 'Optional: leave blank to use pgvigil’s key.';
  return (
    <details open={value.enabled}>
      <summary>SSH tunnel through a bastion</summary>
      <label className={styles.row}>
        <input
          type="checkbox"
          name="ssh.enabled"
          checked={value.enabled}
          onChange={(e) => onChange({ ...value, enabled: e.target.checked })}
        />
        Connect through an SSH bastion (host and port above are then as the bastion sees them)
      </label>
      {value.enabled ? (
        <>
          <div className={styles.grid2}>
            {input('host', 'Bastion host', { required: true, placeholder: 'bastion.example.com' })}
            {input('port', 'Bastion SSH port', { inputMode: 'numeric' })}
            {input('username', 'Bastion user', { required: true, autoComplete: 'off' })}
            {input(
              'passphrase',
              'Key passphrase',
              { type: 'password', autoComplete: 'new-password' },
              'Only for an encrypted private key.',
            )}
          </div>
          <Field
            label="Private key (OpenSSH or PEM)"
            error={errors['ssh.privateKey']}
            hint={storedKey}
          >
            <textarea
              name="ssh.privateKey"
              value={value.privateKey}
              onChange={set('privateKey')}
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
            />
          </Field>
          {server?.ssh?.hostKey ? (
            <p className={styles.hint} data-testid="ssh-host-key">
              Pinned host key: <code>{server.ssh.hostKey}</code>
            </p>
          ) : (
            <p className={styles.hint}>
              The bastion&apos;s host key is pinned by the first successful connection.
            </p>
          )}
          {value.privateKey || server?.ssh?.hasPrivateKey ? null : <InstallationKey />}
        </>
      ) : null}
    </details>
  );
}
