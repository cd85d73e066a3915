'use client';

import { CHANNEL_FIELDS, CHANNEL_TYPES, SEVERITIES, type ChannelType } from '@pgvigil/schema';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { testChannel, WireOf } from '@/contract';
import { api, type ApiError } from '@/components/admin/api';
import { ErrorBox, Field } from '@/components/admin/field';

/** Typed-in text -> the config value the API takes (a list for `emails`). */
function configOf(type: ChannelType, values: Record<string, string>) {
  const config: Record<string, unknown> = {};
  for (const f of CHANNEL_FIELDS[type]) {
    const v = values[f.key]?.trim();
    if (!v) continue;
    config[f.key] =
      f.kind === 'emails'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v;
  }
  return config;
}

/** { type, name, config, minSeverity }: the fields of each type come from @pgvigil/schema. */
export function ChannelForm() {
  const router = useRouter();
  const [type, setType] = useState<ChannelType>('slack');
  const [name, setName] = useState('');
  const [minSeverity, setMinSeverity] = useState('warning');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await api('POST', '/channels', {
      type,
      name,
      config: configOf(type, values),
      minSeverity,
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
          <select
            value={type}
            onChange={(e) => {
              setType(e.target.value as ChannelType);
              setValues({});
            }}
          >
            {CHANNEL_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field label="Name" error={fe('name')}>
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </Field>
        {CHANNEL_FIELDS[type]
          .filter((f) => f.inForm !== false)
          .map((f) => (
            <Field key={f.key} label={f.label} error={fe(f.key)} hint={f.hint}>
              <input
                value={values[f.key] ?? ''}
                onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                required={f.required}
              />
            </Field>
          ))}
        <Field label="Minimum severity">
          <select value={minSeverity} onChange={(e) => setMinSeverity(e.target.value)}>
            {SEVERITIES.map((s) => (
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
