'use client';

import { ENVIRONMENTS, RULE_KINDS, SEVERITIES } from '@pgvigil/schema';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { testRoutes, updateRoute, WireOf } from '@/contract';
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

/**
 * An optional single choice that becomes a one-item list (or nothing). A route saved with
 * several values (through the API) shows them as one extra choice, kept unless changed.
 */
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
        {value && !options.includes(value) ? <option value={value}>{value}</option> : null}
      </select>
    </Field>
  );
}

export function ChannelChecks({
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
      {channels.length === 0 ? (
        <span className="muted">
          No channel yet: add one under <a href="/channels">Channels</a> first.
        </span>
      ) : null}
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

export type EditedRoute = Pick<
  WireOf<typeof updateRoute>['route'],
  | 'id'
  | 'name'
  | 'match'
  | 'channelIds'
  | 'continue'
  | 'escalationId'
  | 'groupWaitSeconds'
  | 'groupIntervalSeconds'
  | 'repeatIntervalSeconds'
>;

const TIMING = [
  ['groupWaitSeconds', 'Group wait (s)', 'a new group waits this long to collect more alerts'],
  ['groupIntervalSeconds', 'Group interval (s)', 'the next update of a group at most this often'],
  ['repeatIntervalSeconds', 'Repeat interval (s)', 'reminders while firing; 0: none'],
] as const;
type TimingKey = (typeof TIMING)[number][0];
const blank = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

const joined = (v: readonly string[] | undefined) => (v ?? []).join(', ');

/**
 * A new route, added last: what it matches, its channels, its escalation policy. Given
 * `editing`, the same form changes that route (PATCH) and keeps its place.
 */
/** The end of a form on the Routes page: its error, Add or Save, and Cancel while editing. */
export function FormEnd({
  error,
  editing,
  what,
}: {
  error: ApiError | null;
  editing: boolean;
  what: string;
}) {
  return (
    <>
      {error ? <ErrorBox message={error.message} hint={error.hint} /> : null}
      <button className="btn btn-primary" type="submit">
        {editing ? `Save ${what}` : `Add ${what}`}
      </button>
      {editing ? (
        <a className="btn btn-ghost" href="/routes">
          Cancel
        </a>
      ) : null}
    </>
  );
}

export function RouteForm({
  channels,
  escalations,
  editing,
}: {
  channels: readonly Named[];
  escalations: readonly Named[];
  editing?: EditedRoute;
}) {
  const router = useRouter();
  const m = editing?.match ?? {};
  const [name, setName] = useState(editing?.name ?? '');
  const [environment, setEnvironment] = useState(joined(m.environments));
  const [severity, setSeverity] = useState(joined(m.severities));
  const [ruleKind, setRuleKind] = useState(joined(m.ruleKinds));
  const [tags, setTags] = useState(joined(m.serverTags));
  const [rules, setRules] = useState(joined(m.rules));
  const [channelIds, setChannelIds] = useState<number[]>(editing?.channelIds ?? []);
  const [escalationId, setEscalationId] = useState(String(editing?.escalationId ?? ''));
  const [cont, setCont] = useState(editing?.continue ?? false);
  const [timing, setTiming] = useState<Record<TimingKey, string>>({
    groupWaitSeconds: blank(editing?.groupWaitSeconds),
    groupIntervalSeconds: blank(editing?.groupIntervalSeconds),
    repeatIntervalSeconds: blank(editing?.repeatIntervalSeconds),
  });
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const lists = {
      environments: list(environment),
      severities: list(severity),
      ruleKinds: list(ruleKind),
      serverTags: list(tags),
      rules: list(rules),
    };
    // clusterIds has no field here: an edit keeps what the API set
    const match = Object.fromEntries(
      [...Object.entries(lists), ['clusterIds', m.clusterIds ?? []] as const].filter(
        ([, v]) => v.length > 0,
      ),
    );
    const body = {
      name,
      match,
      channelIds,
      continue: cont,
      escalationId: escalationId ? Number(escalationId) : null,
      // empty: the alerter's default
      ...Object.fromEntries(
        TIMING.map(([k]) => [k, timing[k].trim() === '' ? null : Number(timing[k])]),
      ),
    };
    const result = editing
      ? await api('PATCH', `/routes/${editing.id}`, body)
      : await api('POST', '/routes', body);
    if (!result.ok) return setError(result.error);
    setError(null);
    if (editing) router.push('/routes');
    router.refresh();
  }
  const title = editing ? 'Edit route' : 'New route';
  return (
    <form className="panel section" onSubmit={(e) => void submit(e)} aria-label={title}>
      <h2>{editing ? `Edit route "${editing.name}"` : title}</h2>
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
        {TIMING.map(([k, label, hint]) => (
          <Field
            key={k}
            label={label}
            hint={`${hint}; empty: the default`}
            error={error?.fields?.[k]}
          >
            <input
              type="number"
              min={0}
              value={timing[k]}
              onChange={(e) => setTiming({ ...timing, [k]: e.target.value })}
            />
          </Field>
        ))}
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
      <FormEnd error={error} editing={Boolean(editing)} what="route" />
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
