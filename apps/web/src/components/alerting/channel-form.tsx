'use client';

import { CHANNEL_TYPES } from '@pgvigil/schema';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { testChannel, WireOf } from '@/contract';
import { api, type ApiError } from '@/components/admin/api';
import { ErrorBox, Field } from '@/components/admin/field';

/** { type, name, config }: config.url for the webhook kinds, config.to for email. */
export function ChannelForm() {
  const router = useRouter();
  const [f, setF] = useState({
    type: 'slack',
    name: '',
    url: '',
    hmacSecret: '',
    to: '',
    smtpUrl: '',
    minSeverity: 'warning',
  });
  const [error, setError] = useState<ApiError | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });
  const email = f.type === 'email';

  async function submit(event: FormEvent) {
    event.preventDefault();
    const config = email
      ? {
          to: f.to
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
          ...(f.smtpUrl ? { smtpUrl: f.smtpUrl } : {}),
        }
      : {
          url: f.url,
          ...(f.type === 'webhook' && f.hmacSecret ? { hmacSecret: f.hmacSecret } : {}),
        };
    const result = await api('POST', '/channels', {
      type: f.type,
      name: f.name,
      config,
      minSeverity: f.minSeverity,
    });
    if (!result.ok) return setError(result.error);
    setError(null);
    router.refresh();
  }
  const fe = (k: string) => error?.fields?.[k] ?? error?.fields?.[`config.${k}`];
  return (
    <form className="panel section" onSubmit={(e) => void submit(e)} aria-label="New channel">
      <h2>New channel</h2>
      <div className="grid form-grid">
        <Field label="Type">
          <select value={f.type} onChange={set('type')}>
            {CHANNEL_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field label="Name" error={fe('name')}>
          <input value={f.name} onChange={set('name')} required />
        </Field>
        {email ? (
          <>
            <Field label="To" error={fe('to')} hint="comma-separated">
              <input value={f.to} onChange={set('to')} required />
            </Field>
            <Field label="SMTP URL" error={fe('smtpUrl')} hint="empty: SMTP_URL">
              <input value={f.smtpUrl} onChange={set('smtpUrl')} />
            </Field>
          </>
        ) : (
          <Field label="Webhook URL" error={fe('url')} hint="stored encrypted">
            <input value={f.url} onChange={set('url')} required />
          </Field>
        )}
        {f.type === 'webhook' ? (
          <Field label="HMAC secret" error={fe('hmacSecret')} hint="optional, 16+ characters">
            <input value={f.hmacSecret} onChange={set('hmacSecret')} />
          </Field>
        ) : null}
        <Field label="Minimum severity">
          <select value={f.minSeverity} onChange={set('minSeverity')}>
            {['info', 'warning', 'critical'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
      </div>
      {error ? <ErrorBox message={error.message} hint={error.hint} /> : null}
      <button className="btn btn-primary" type="submit">
        Add channel
      </button>
    </form>
  );
}

export function SendTestButton({ channelId }: { channelId: number }) {
  const [result, setResult] = useState<string | null>(null);
  return (
    <>
      <button
        className="btn"
        type="button"
        onClick={() =>
          void (async () => {
            setResult('sending…');
            const r = await api<WireOf<typeof testChannel>>('POST', `/channels/${channelId}/test`);
            setResult(
              !r.ok ? r.error.message : r.data.ok ? 'delivered' : `failed: ${r.data.error ?? ''}`,
            );
          })()
        }
      >
        Send test
      </button>
      {result ? <span role="status"> {result}</span> : null}
    </>
  );
}
