'use client';

import { ENVIRONMENTS, RULE_KINDS, SEVERITIES } from '@pgvigil/schema';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { testRoutes, WireOf } from '@/contract';
import { api, type ApiError } from '@/components/admin/api';
import { ErrorBox, Field } from '@/components/admin/field';

export interface Named {
  id: number;
  name: string;
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** An optional single choice that becomes a one-item list (or nothing). */
function OneOf({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly string[];
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <Field label={label}>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </Field>
  );
}

function ChannelChecks({
  channels,
  chosen,
  onChange,
  legend,
}: {
  channels: readonly Named[];
  chosen: number[];
  onChange: (ids: number[]) => void;
  legend: string;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {channels.map((c) => (
        <label key={c.id} style={{ marginRight: '1rem' }}>
          <input
            type="checkbox"
            checked={chosen.includes(c.id)}
            onChange={(e) =>
              onChange(e.target.checked ? [...chosen, c.id] : chosen.filter((i) => i !== c.id))
            }
          />{' '}
          {c.name}
        </label>
      ))}
    </fieldset>
  );
}

/** A new route, added last: what it matches, its channels, its escalation policy. */
export function RouteForm({
  channels,
  escalations,
}: {
  channels: readonly Named[];
  escalations: readonly Named[];
}) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [environment, setEnvironment] = useState('');
  const [severity, setSeverity] = useState('');
  const [ruleKind, setRuleKind] = useState('');
  const [tags, setTags] = useState('');
  const [rules, setRules] = useState('');
  const [channelIds, setChannelIds] = useState<number[]>([]);
  const [escalationId, setEscalationId] = useState('');
  const [cont, setCont] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const match = {
      ...(environment ? { environments: [environment] } : {}),
      ...(severity ? { severities: [severity] } : {}),
      ...(ruleKind ? { ruleKinds: [ruleKind] } : {}),
      ...(list(tags).length ? { serverTags: list(tags) } : {}),
      ...(list(rules).length ? { rules: list(rules) } : {}),
    };
    const result = await api('POST', '/routes', {
      name,
      match,
      channelIds,
      continue: cont,
      ...(escalationId ? { escalationId: Number(escalationId) } : {}),
    });
    if (!result.ok) return setError(result.error);
    setError(null);
    router.refresh();
  }
  return (
    <form className="panel section" onSubmit={(e) => void submit(e)} aria-label="New route">
      <h2>New route</h2>
      <div className="grid form-grid">
        <Field label="Name" error={error?.fields?.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </Field>
        <OneOf
          label="Environment"
          options={ENVIRONMENTS}
          value={environment}
          onChange={setEnvironment}
        />
        <OneOf label="Severity" options={SEVERITIES} value={severity} onChange={setSeverity} />
        <OneOf label="Rule kind" options={RULE_KINDS} value={ruleKind} onChange={setRuleKind} />
        <Field label="Server tags" hint="comma-separated; the server carries every one">
          <input value={tags} onChange={(e) => setTags(e.target.value)} />
        </Field>
        <Field label="Rules" hint="rule keys, comma-separated">
          <input value={rules} onChange={(e) => setRules(e.target.value)} />
        </Field>
        <Field label="Escalation policy">
          <select value={escalationId} onChange={(e) => setEscalationId(e.target.value)}>
            <option value="">none</option>
            {escalations.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ChannelChecks
        legend="Channels"
        channels={channels}
        chosen={channelIds}
        onChange={setChannelIds}
      />
      <label>
        <input type="checkbox" checked={cont} onChange={(e) => setCont(e.target.checked)} />{' '}
        Continue to the routes below after a match
      </label>
      {error ? <ErrorBox message={error.message} hint={error.hint} /> : null}
      <button className="btn btn-primary" type="submit">
        Add route
      </button>
    </form>
  );
}

/** A new escalation policy: two steps to fill in, the second optional. */
export function EscalationForm({ channels }: { channels: readonly Named[] }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [steps, setSteps] = useState([
    { channelIds: [] as number[], waitMinutes: 5 },
    { channelIds: [] as number[], waitMinutes: 15 },
  ]);
  const [repeat, setRepeat] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const setStep = (i: number, s: { channelIds: number[]; waitMinutes: number }) =>
    setSteps(steps.map((x, j) => (j === i ? s : x)));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await api('POST', '/escalations', {
      name,
      steps: steps.filter((s) => s.channelIds.length > 0),
      repeat,
    });
    if (!result.ok) return setError(result.error);
    setError(null);
    router.refresh();
  }
  return (
    <form className="panel section" onSubmit={(e) => void submit(e)} aria-label="New escalation">
      <h2>New escalation policy</h2>
      <Field label="Name" error={error?.fields?.name}>
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </Field>
      {steps.map((s, i) => (
        <div key={i} className="grid form-grid">
          <ChannelChecks
            legend={`Step ${i + 1}`}
            channels={channels}
            chosen={s.channelIds}
            onChange={(ids) => setStep(i, { ...s, channelIds: ids })}
          />
          <Field label={`Step ${i + 1}: minutes to wait for an acknowledgement`}>
            <input
              type="number"
              min={1}
              value={s.waitMinutes}
              onChange={(e) => setStep(i, { ...s, waitMinutes: Number(e.target.value) })}
            />
          </Field>
        </div>
      ))}
      <label>
        <input type="checkbox" checked={repeat} onChange={(e) => setRepeat(e.target.checked)} />{' '}
        Start over after the last step
      </label>
      {error ? <ErrorBox message={error.message} hint={error.hint} /> : null}
      <button className="btn btn-primary" type="submit">
        Add escalation policy
      </button>
    </form>
  );
}

/** "Which route would this alert take?" */
export function RouteTester() {
  const [severity, setSeverity] = useState('warning');
  const [rule, setRule] = useState('connections_used');
  const [environment, setEnvironment] = useState('');
  const [tags, setTags] = useState('');
  const [answer, setAnswer] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const r = await api<WireOf<typeof testRoutes>>('POST', '/routes/test', {
      severity,
      rule,
      ...(environment ? { environment } : {}),
      serverTags: list(tags),
    });
    if (!r.ok) return setAnswer(r.error.message);
    const via = r.data.defaultRoute
      ? 'the default route'
      : r.data.routes.map((x) => `"${x.name}"`).join(', then ');
    const to = r.data.channels.map((c) => c.name).join(', ') || 'no channel';
    setAnswer(`Takes ${via}: sent to ${to}.`);
  }
  return (
    <form className="panel section" onSubmit={(e) => void submit(e)} aria-label="Route tester">
      <h2>Which route would this alert take?</h2>
      <div className="grid form-grid">
        <Field label="Severity">
          <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Rule key">
          <input value={rule} onChange={(e) => setRule(e.target.value)} required />
        </Field>
        <OneOf
          label="Environment"
          options={ENVIRONMENTS}
          value={environment}
          onChange={setEnvironment}
        />
        <Field label="Server tags" hint="comma-separated">
          <input value={tags} onChange={(e) => setTags(e.target.value)} />
        </Field>
      </div>
      <button className="btn" type="submit">
        Test
      </button>
      {answer ? <p role="status">{answer}</p> : null}
    </form>
  );
}
