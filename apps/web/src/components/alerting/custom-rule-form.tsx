'use client';

import { AGGREGATIONS, OPERATORS } from '@pgvigil/schema';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api, type ApiError } from '@/components/admin/api';
import { ErrorBox, Field } from '@/components/admin/field';
import { RulePreview, type PreviewResponse } from './rule-preview';

/** A rule on any probe column: aggregation over a window, operator, thresholds, `for`. */
export function CustomRuleForm() {
  const router = useRouter();
  const [f, setF] = useState({
    key: '',
    name: '',
    probe: '',
    column: '',
    aggregation: 'latest',
    windowSeconds: '600',
    operator: '>',
    warning: '',
    critical: '',
    forSeconds: '300',
    message: '',
  });
  const [error, setError] = useState<ApiError | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });

  const [preview, setPreview] = useState<PreviewResponse | null>(null);
  const rule = () => ({
    definition: {
      probe: f.probe,
      column: f.column,
      aggregation: f.aggregation,
      windowSeconds: Number(f.windowSeconds),
      operator: f.operator,
      ...(f.message ? { message: f.message } : {}),
    },
    warning: f.warning === '' ? null : Number(f.warning),
    critical: f.critical === '' ? null : Number(f.critical),
    forSeconds: Number(f.forSeconds),
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await api('POST', '/rules', { key: f.key, name: f.name, ...rule() });
    if (!result.ok) return setError(result.error);
    setError(null);
    router.refresh();
  }
  async function runPreview() {
    const result = await api<PreviewResponse>('POST', '/rules/preview', rule());
    if (!result.ok) {
      setPreview(null);
      return setError(result.error);
    }
    setError(null);
    setPreview(result.data);
  }
  const fe = (k: string) => error?.fields?.[k] ?? error?.fields?.[`definition.${k}`];
  return (
    <form className="panel section" onSubmit={(e) => void submit(e)} aria-label="New custom rule">
      <h2>New custom rule</h2>
      <div className="grid form-grid">
        <Field label="Key" error={fe('key')}>
          <input value={f.key} onChange={set('key')} required />
        </Field>
        <Field label="Name" error={fe('name')}>
          <input value={f.name} onChange={set('name')} required />
        </Field>
        <Field label="Probe" error={fe('probe')} hint="table in schema metrics">
          <input value={f.probe} onChange={set('probe')} required />
        </Field>
        <Field label="Column" error={fe('column')}>
          <input value={f.column} onChange={set('column')} required />
        </Field>
        <Field label="Aggregation">
          <select value={f.aggregation} onChange={set('aggregation')}>
            {AGGREGATIONS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </Field>
        <Field label="Window (s)" error={fe('windowSeconds')}>
          <input value={f.windowSeconds} onChange={set('windowSeconds')} />
        </Field>
        <Field label="Operator">
          <select value={f.operator} onChange={set('operator')}>
            {OPERATORS.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </Field>
        <Field label="Warning" error={fe('warning')}>
          <input value={f.warning} onChange={set('warning')} />
        </Field>
        <Field label="Critical">
          <input value={f.critical} onChange={set('critical')} />
        </Field>
        <Field label="For (s)">
          <input value={f.forSeconds} onChange={set('forSeconds')} />
        </Field>
        <Field label="Message" hint="{{value}} {{threshold}} {{server}} {{database}} {{object}}">
          <input value={f.message} onChange={set('message')} />
        </Field>
      </div>
      {error ? <ErrorBox message={error.message} hint={error.hint} /> : null}
      <button className="btn btn-primary" type="submit">
        Create rule
      </button>{' '}
      <button className="btn" type="button" onClick={() => void runPreview()}>
        Preview last 24 h
      </button>
      {preview ? <RulePreview result={preview} /> : null}
    </form>
  );
}
