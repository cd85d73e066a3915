'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api, type ApiError } from '@/components/admin/api';
import { ErrorBox, Field } from '@/components/admin/field';

/** One-off window or recurring { cron, durationMinutes, timezone }, at any scope. */
export function BlackoutForm() {
  const router = useRouter();
  const [kind, setKind] = useState<'once' | 'recurring'>('recurring');
  const [f, setF] = useState({
    name: '',
    scopeType: 'global',
    scopeId: '',
    databaseName: '',
    cron: '0 2 * * 0',
    durationMinutes: '60',
    timezone: 'UTC',
    startsAt: '',
    endsAt: '',
  });
  const [error, setError] = useState<ApiError | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = {
      name: f.name,
      scopeType: f.scopeType,
      scopeId: f.scopeType === 'global' ? null : Number(f.scopeId),
      databaseName: f.scopeType === 'database' ? f.databaseName : null,
      ...(kind === 'recurring'
        ? { cron: f.cron, durationMinutes: Number(f.durationMinutes), timezone: f.timezone }
        : {
            startsAt: new Date(f.startsAt).toISOString(),
            endsAt: new Date(f.endsAt).toISOString(),
          }),
    };
    const result = await api('POST', '/blackouts', body);
    if (!result.ok) return setError(result.error);
    setError(null);
    router.refresh();
  }
  return (
    <form className="panel section" onSubmit={(e) => void submit(e)} aria-label="New blackout">
      <h2>New blackout</h2>
      <div className="grid form-grid">
        <Field label="Name" error={error?.fields?.name}>
          <input value={f.name} onChange={set('name')} required />
        </Field>
        <Field label="Scope">
          <select value={f.scopeType} onChange={set('scopeType')}>
            {['global', 'cluster', 'server', 'database'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        {f.scopeType !== 'global' ? (
          <Field
            label={f.scopeType === 'cluster' ? 'Cluster id' : 'Server id'}
            error={error?.fields?.scopeId}
          >
            <input value={f.scopeId} onChange={set('scopeId')} required />
          </Field>
        ) : null}
        {f.scopeType === 'database' ? (
          <Field label="Database" error={error?.fields?.databaseName}>
            <input value={f.databaseName} onChange={set('databaseName')} required />
          </Field>
        ) : null}
        <Field label="Kind">
          <select value={kind} onChange={(e) => setKind(e.target.value as 'once' | 'recurring')}>
            <option value="recurring">recurring</option>
            <option value="once">one-off</option>
          </select>
        </Field>
        {kind === 'recurring' ? (
          <>
            <Field label="Cron" error={error?.fields?.cron} hint="minute hour day month weekday">
              <input value={f.cron} onChange={set('cron')} />
            </Field>
            <Field label="Duration (min)" error={error?.fields?.durationMinutes}>
              <input value={f.durationMinutes} onChange={set('durationMinutes')} />
            </Field>
            <Field label="Timezone">
              <input value={f.timezone} onChange={set('timezone')} />
            </Field>
          </>
        ) : (
          <>
            <Field label="Starts" error={error?.fields?.startsAt}>
              <input type="datetime-local" value={f.startsAt} onChange={set('startsAt')} required />
            </Field>
            <Field label="Ends" error={error?.fields?.endsAt}>
              <input type="datetime-local" value={f.endsAt} onChange={set('endsAt')} required />
            </Field>
          </>
        )}
      </div>
      {error ? <ErrorBox message={error.message} hint={error.hint} /> : null}
      <button className="btn btn-primary" type="submit">
        Add blackout
      </button>
    </form>
  );
}

export function DeleteButton({ path, label }: { path: string; label: string }) {
  const router = useRouter();
  return (
    <button
      className="btn btn-ghost"
      type="button"
      onClick={() =>
        void (async () => {
          if (!window.confirm(`Delete ${label}?`)) return;
          const result = await api('DELETE', path);
          if (result.ok) router.refresh();
          else window.alert(result.error.message);
        })()
      }
    >
      Delete
    </button>
  );
}
